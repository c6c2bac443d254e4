/**
 * Faults a test broker can be told to commit, so callers' tests can drive every path the OSB spec
 * describes: an error status with any body, a slow answer, garbage instead of JSON, or no answer at
 * all. A fault may also strike after the broker did the work (`afterHandling`), which is how a real
 * orphan comes about: the instance exists, but the platform saw a 500 or a timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonValue } from '../osb/types.js';
import type { BrokerAnswer, BrokerEndpoint, InterceptedAnswer, OsbRoute } from './osb-http-server.js';

export type { BrokerEndpoint } from './osb-http-server.js';

export interface Fault {
  /** Which requests it strikes; every request when absent. */
  endpoint?: BrokerEndpoint | BrokerEndpoint[];
  /** Only requests for this instance id. */
  instanceId?: string;
  /** How many matching requests it strikes. Default 1; `Infinity` for every one. */
  times?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer; the connection stays open until the client gives up or the broker closes. */
  hang?: boolean;
  /** Answer with this status (and `body`) instead of the broker's own answer. */
  status?: number;
  /** The body sent with `status`: a string is sent as is, anything else as JSON. Default `{}`. */
  body?: unknown;
  /** Replace the answer's body with bytes that are not JSON (the status stays, or is `status`). */
  garbage?: boolean;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Do the real work first, then answer as the fault says (or hang). Default false: the broker changes nothing. */
  afterHandling?: boolean;
}

/** A queue of faults: the first one matching a request strikes and counts down. */
export class FaultQueue {
  private faults: { fault: Fault; left: number }[] = [];

  add(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): number {
    return this.faults.length;
  }

  /** The fault for this request, consumed once; undefined when none matches. */
  take(endpoint: BrokerEndpoint, instanceId: string | undefined): Fault | undefined {
    const i = this.faults.findIndex(({ fault }) => {
      const eps = fault.endpoint === undefined ? undefined : Array.isArray(fault.endpoint) ? fault.endpoint : [fault.endpoint];
      if (eps && !eps.includes(endpoint)) return false;
      if (fault.instanceId !== undefined && fault.instanceId !== instanceId) return false;
      return true;
    });
    if (i < 0) return undefined;
    const entry = this.faults[i]!;
    entry.left -= 1;
    if (entry.left <= 0) this.faults.splice(i, 1);
    return entry.fault;
  }

  /**
   * For `startOsbServer({ intercept })`: the first matching fault strikes before the broker's own
   * checks, or after its real work (`afterHandling`); a fault that only delays lets the normal answer
   * through.
   */
  readonly intercept = async (route: OsbRoute, proceed: () => Promise<BrokerAnswer>): Promise<InterceptedAnswer> => {
    const fault = this.take(route.endpoint, route.instanceId);
    if (!fault) return proceed();
    if (!fault.afterHandling) return (await strike(fault, undefined)) ?? proceed();
    const normal = await proceed();
    return (await strike(fault, normal)) ?? normal;
  };
}

/** A fault's answer; undefined when the fault only delays and the normal answer should follow. */
async function strike(fault: Fault, normal: BrokerAnswer | undefined): Promise<InterceptedAnswer | undefined> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.hang) return { hang: true };
  if (fault.status === undefined && !fault.garbage) return undefined;
  const status = fault.status ?? normal?.status ?? 200;
  const body: JsonValue = fault.status !== undefined ? ((fault.body as JsonValue | undefined) ?? {}) : (normal?.body ?? {});
  const raw = fault.garbage ? '<html>this is not JSON' : typeof body === 'string' ? body : undefined;
  return { status, body, ...(fault.headers ? { headers: fault.headers } : {}), ...(raw !== undefined ? { raw } : {}) };
}
