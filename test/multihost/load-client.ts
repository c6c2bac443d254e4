/**
 * A client for failover tests, run as its own process inside a rig host: writers create ConfigMaps
 * with sequence numbers continuously, one writer per API server (moving to another server when its own
 * fails); a watcher follows them from one server and, when its stream breaks, resumes on the next from
 * the last resourceVersion it saw. On "stop" (a line on stdin) it lists what the cluster holds and
 * prints one `result {json}` line: acknowledged writes missing from the list, listed objects the watch
 * never delivered, duplicates and out-of-order events, reconnects, and failures by HTTP code.
 *
 * Usage: load-client <config.json>, config: { servers: [{ url, ca, cert, key }], prefix }.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isStatusError, type KubeObject } from '../../src/api/index.js';
import { ApiClient, type ResourceDescriptor } from '../../src/client/index.js';

interface Server {
  url: string;
  ca: string;
  cert: string;
  key: string;
}
interface Config {
  servers: Server[];
  prefix: string;
}

export interface LoadResult {
  acked: number;
  listed: number;
  watched: number;
  /** Acknowledged writes the final list lacks: must be empty. */
  lost: string[];
  /** Listed objects the watch never delivered: must be empty. */
  missed: string[];
  duplicates: string[];
  outOfOrder: number;
  reconnects: number;
  /** A watch resumption answered 410 Gone (history compacted under it). */
  gone: number;
  failures: Record<string, number>;
  /** One message per failure code, to show what clients were told. */
  messages: Record<string, string>;
  /** Epoch ms of the last acknowledged write. */
  lastAckAt: number;
  /** Acknowledged writes per writer, in order of acknowledgement (sequence numbers only). */
  firstAckAfterFailure?: number;
}

const configMaps: ResourceDescriptor = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Config;
const clients = config.servers.map((s) => new ApiClient({ baseUrl: s.url, ca: s.ca, cert: s.cert, key: s.key, component: 'load-client', timeoutMs: 5000 }));
const ns = 'default';
let stopping = false;
const acked = new Set<string>();
const failures: Record<string, number> = {};
const messages: Record<string, string> = {};
let lastAckAt = 0;
let lastFailureAt = 0;
let firstAckAfterFailure: number | undefined;

function codeOf(e: unknown): string {
  if (isStatusError(e)) return String(e.status.code);
  return (e as NodeJS.ErrnoException).code ?? 'error';
}

async function writer(index: number): Promise<void> {
  let server = index % clients.length;
  for (let seq = 0; !stopping; seq++) {
    const name = `${config.prefix}-w${index}-${seq}`;
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { seq: String(seq), writer: String(index) } };
    try {
      await clients[server].create(configMaps, obj);
      acked.add(name);
      lastAckAt = Date.now();
      if (lastFailureAt && firstAckAfterFailure === undefined) firstAckAfterFailure = lastAckAt;
      await sleep(10);
    } catch (e) {
      const code = codeOf(e);
      failures[code] = (failures[code] ?? 0) + 1;
      messages[code] ??= e instanceof Error ? e.message : String(e);
      lastFailureAt = Date.now();
      firstAckAfterFailure = undefined;
      // Unacknowledged: it may or may not have been stored. Move on, to the next server.
      server = (server + 1) % clients.length;
      await sleep(100);
    }
  }
}

const watched = new Map<string, number>();
const duplicates: string[] = [];
let outOfOrder = 0;
let reconnects = 0;
let gone = 0;
let lastRv = 0;
let watching: { stop(): void } | undefined;

async function watcher(startRv: string): Promise<void> {
  let server = 0;
  let rv = startRv;
  let first = true;
  while (!stopping || lastRv < targetRv) {
    if (!first) {
      reconnects++;
      server = (server + 1) % clients.length;
    }
    first = false;
    try {
      const stream = await clients[server].watch(configMaps, { namespace: ns, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 300 });
      watching = stream;
      for await (const ev of stream) {
        const at = Number(ev.object.metadata?.resourceVersion ?? 0);
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as { code?: number };
          if (status.code === 410) gone++;
          break;
        }
        if (ev.type !== 'BOOKMARK') {
          if (at <= lastRv) outOfOrder++;
          const name = ev.object.metadata.name ?? '';
          if (ev.type === 'ADDED' && name.startsWith(config.prefix)) {
            if (watched.has(name)) duplicates.push(name);
            watched.set(name, at);
          }
        }
        if (at > lastRv) lastRv = at;
        rv = String(lastRv);
        if (stopping && lastRv >= targetRv) break;
      }
    } catch {
      await sleep(200);
    }
  }
}

let targetRv = Number.MAX_SAFE_INTEGER;

async function listThroughAny(): Promise<{ items: KubeObject[]; rv: number }> {
  for (let attempt = 0; attempt < 40; attempt++) {
    for (const c of clients) {
      try {
        const list = await c.list(configMaps, { namespace: ns });
        return { items: list.items, rv: Number(list.metadata.resourceVersion ?? 0) };
      } catch {
        // try the next server
      }
    }
    await sleep(500);
  }
  throw new Error('no API server answered the final list');
}

async function writeMarker(name: string): Promise<number> {
  for (let attempt = 0; attempt < 40; attempt++) {
    for (const c of clients) {
      try {
        const made = await c.create<KubeObject>(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });
        return Number(made.metadata.resourceVersion);
      } catch (e) {
        if (isStatusError(e) && e.status.code === 409) return Number((await c.get(configMaps, name, { namespace: ns })).metadata.resourceVersion);
      }
    }
    await sleep(500);
  }
  throw new Error('no API server took the end marker');
}

async function main(): Promise<void> {
  const initial = await listThroughAny();
  const watch = watcher(String(initial.rv));
  const writers = clients.map((_, i) => writer(i));
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.on('line', (l) => l.trim() === 'stop' && resolve()));
  lines.close();
  stopping = true;
  await Promise.all(writers);
  const final = await listThroughAny();
  // The list's revision may belong to another resource, which this watch never hears of; a marker
  // written after the list is an event it must see, and once it has, it has seen everything listed.
  targetRv = await writeMarker(`end-${config.prefix}`);
  const drained = await Promise.race([watch.then(() => true), sleep(20_000).then(() => false)]);
  if (!drained) watching?.stop();
  const listed = final.items.map((o) => o.metadata.name ?? '').filter((n) => n.startsWith(config.prefix));
  const listedSet = new Set(listed);
  const result: LoadResult = {
    acked: acked.size,
    listed: listed.length,
    watched: watched.size,
    lost: [...acked].filter((n) => !listedSet.has(n)),
    missed: listed.filter((n) => !watched.has(n)),
    duplicates,
    outOfOrder,
    reconnects,
    gone,
    failures,
    messages,
    lastAckAt,
    firstAckAfterFailure,
  };
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
  for (const c of clients) c.close();
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`load-client: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
