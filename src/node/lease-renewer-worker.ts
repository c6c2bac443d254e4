/**
 * The entry point of the thread a `LeaseRenewerThread` renews node Leases from (see
 * lease-renewer-thread.ts): its own API client and a `LeaseRenewer`, fed the nodes the parent adds and
 * removes, reporting renewals back in batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ResourceRegistry } from '../api/index.js';
import { ApiClient, resourceFor, type ConnectionConfig } from '../client/index.js';
import { LeaseRenewer } from './lease-renewer.js';
import type { LeaseThreadData, LeaseThreadReport, LeaseThreadRequest } from './lease-renewer-thread.js';

const port = parentPort;
if (!port) throw new Error('lease-renewer-worker runs only as a worker thread');
const post = (m: LeaseThreadReport): void => port.postMessage(m);
const data = workerData as LeaseThreadData;

/** Buffers arrive as plain Uint8Arrays: make them Buffers again for TLS. */
function pem(v: string | Uint8Array | undefined): string | Buffer | undefined {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}
const c = data.connection;
const connection: ConnectionConfig = { ...c, ca: pem(c.ca), cert: pem(c.cert), key: pem(c.key) };

let renewed = new Map<string, number>();
const renewer = new LeaseRenewer({
  client: new ApiClient({ ...connection, component: 'node' }),
  leases: resourceFor(new ResourceRegistry(), 'coordination.k8s.io', 'v1', 'leases'),
  renewIntervalMs: data.renewIntervalMs,
  leaseDurationSeconds: data.leaseDurationSeconds,
  concurrency: data.concurrency,
  logger: (message, error) => post({ type: 'log', message, ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }) }),
  onRenewed: (name, at) => renewed.set(name, at),
});

let sent = { renewals: 0, failures: 0 };
// Keeps the thread alive between renewals too (the renewer's own timer does not).
setInterval(() => {
  if (renewed.size === 0 && renewer.stats.failures === sent.failures) return;
  const { renewals, failures } = renewer.stats;
  post({ type: 'renewed', renewed: [...renewed], renewals: renewals - sent.renewals, failures: failures - sent.failures });
  sent = { renewals, failures };
  renewed = new Map();
}, data.reportIntervalMs);

port.on('message', (m: LeaseThreadRequest) => {
  if (m.type === 'add') renewer.add(m.name, m.uid);
  else renewer.remove(m.name);
});
renewer.start();
