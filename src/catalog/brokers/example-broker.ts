/**
 * An in-process OSB 2.17 broker over HTTP(S) for tests and examples: the catalog of
 * `example-catalog.ts`, instances and bindings in memory (or a JSON file), synchronous and
 * asynchronous operations, and controls to make it misbehave (`inject`, `failNextOperation`,
 * `behaviour.stallOperations`). It checks `X-Broker-API-Version` (412 below 2.14) and the
 * configured authentication (401), echoes `X-Broker-API-Request-Identity`, and records every request.
 *
 * @example
 * const broker = await startExampleBroker({ auth: { basic: { username: 'admin', password: 'secret' } } });
 * const client = new OsbClient({ url: broker.url, auth: { basic: { username: 'admin', password: 'secret' } } });
 * broker.inject({ endpoint: 'provision', status: 500, afterHandling: true }); // creates, then answers 500
 * await broker.close();
 */
import type http from 'node:http';
import type { Catalog, JsonValue, OsbAuth } from '../osb/types.js';
import { bindingKey, BrokerState, type BindingRecord, type InstanceRecord } from './broker-state.js';
import { exampleCatalog } from './example-catalog.js';
import { ExampleHandlers, type BrokerBehaviour, type OperationFailure } from './example-handlers.js';
import { FaultQueue, type BrokerEndpoint, type Fault } from './faults.js';
import { startOsbServer } from './osb-http-server.js';

export type { BrokerBehaviour, OperationFailure } from './example-handlers.js';
export type { BrokerEndpoint, Fault } from './faults.js';

export interface ExampleBrokerOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Required authentication; none when absent. */
  auth?: OsbAuth;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** Every plan works asynchronously (the `large` plan always does). Default false. */
  async?: boolean;
  /** `in progress` answers before an asynchronous operation ends. Default 1. */
  asyncPolls?: number;
  /** Retry-After seconds on `in progress` answers. */
  retryAfterSeconds?: number;
  /** Bind requires an app (answers RequiresApp without `bind_resource.app_guid`). */
  requiresApp?: boolean;
  /** Bindings expire this many seconds after creation (`metadata.expires_at`). */
  bindingTtlSeconds?: number;
  /** Keep instances and bindings in this JSON file across restarts. */
  stateFile?: string;
  /** Serve another catalog (the handlers still assume the example plans' ids for async behaviour). */
  catalog?: Catalog;
}

export interface RecordedRequest {
  endpoint: BrokerEndpoint | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: JsonValue | undefined;
}

export interface ExampleBroker {
  /** Base URL to register, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Settings that may be changed while the broker runs. */
  readonly behaviour: BrokerBehaviour;
  /** Queue a fault; the first fault matching a request strikes it. */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** The next asynchronous operation to finish ends `"state": "failed"`. */
  failNextOperation(failure?: OperationFailure): void;
  /**
   * Serve another catalog from now on (e.g. `exampleCatalog()` with a plan removed). Requests naming
   * ids the new catalog lacks get 400; existing instances stay.
   */
  setCatalog(catalog: Catalog): void;
  instance(id: string): InstanceRecord | undefined;
  instances(): InstanceRecord[];
  binding(instanceId: string, bindingId: string): BindingRecord | undefined;
  bindings(): BindingRecord[];
  close(): Promise<void>;
}

export async function startExampleBroker(opts: ExampleBrokerOptions = {}): Promise<ExampleBroker> {
  const state = new BrokerState(opts.stateFile);
  const behaviour: BrokerBehaviour = {
    async: opts.async ?? false,
    asyncPolls: opts.asyncPolls ?? 1,
    ...(opts.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: opts.retryAfterSeconds }),
    stallOperations: false,
    requiresApp: opts.requiresApp ?? false,
    ...(opts.bindingTtlSeconds === undefined ? {} : { bindingTtlSeconds: opts.bindingTtlSeconds }),
    credentialHost: opts.host ?? '127.0.0.1',
    credentialPort: 0,
  };
  const handlers = new ExampleHandlers(opts.catalog ?? exampleCatalog(), state, behaviour);
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];

  const server = await startOsbServer({
    handler: (req) => handlers.handle(req),
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    realm: 'example-broker',
    observe: (r) =>
      requests.push({
        endpoint: r.route?.endpoint ?? 'unknown',
        method: r.method,
        path: r.path,
        query: Object.fromEntries(r.query),
        headers: r.headers,
        body: r.body,
      }),
    intercept: faults.intercept,
  });
  behaviour.credentialPort = server.port;
  const { url, port } = server;

  return {
    url,
    port,
    requests,
    behaviour,
    inject: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    failNextOperation: (f) => handlers.failNextOperation(f),
    setCatalog: (c) => handlers.setCatalog(c),
    instance: (id) => state.instances.get(id),
    instances: () => [...state.instances.values()],
    binding: (i, b) => state.bindings.get(bindingKey(i, b)),
    bindings: () => [...state.bindings.values()],
    close: () => server.close(),
  };
}
