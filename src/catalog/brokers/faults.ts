/**
 * Faults a test broker can be told to commit, so callers' tests can drive every path the OSB spec
 * describes: an error status with any body, a slow answer, garbage instead of JSON, or no answer at
 * all. A fault may also strike after the broker did the work (`afterHandling`), which is how a real
 * orphan comes about: the instance exists, but the platform saw a 500 or a timeout.
 */

/** The broker's endpoints, as a fault names them. */
export type BrokerEndpoint =
  | 'catalog'
  | 'provision'
  | 'update'
  | 'deprovision'
  | 'lastOperation'
  | 'getInstance'
  | 'bind'
  | 'unbind'
  | 'lastBindingOperation'
  | 'getBinding';

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
}
