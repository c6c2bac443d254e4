// Shared builders for the apiserver unit tests: real definitions, real stores, a real server on port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ResourceRegistry, type KubeObject, type ResourceDefinition } from '../../src/api/index.js';
import { MemoryStore, SqliteStore, type Store } from '../../src/storage/index.js';
import { ApiServer } from '../../src/apiserver/server.js';

export const registry = new ResourceRegistry();

export function def(group: string, version: string, plural: string): ResourceDefinition {
  const d = registry.lookup(group, version, plural);
  if (!d) throw new Error(`no definition for ${group}/${version}/${plural}`);
  return d;
}

export const configMaps = def('', 'v1', 'configmaps');
export const pods = def('', 'v1', 'pods');
export const namespaces = def('', 'v1', 'namespaces');
export const services = def('', 'v1', 'services');
export const deployments = def('apps', 'v1', 'deployments');

export function configMap(name: string, namespace = 'default', extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { k: 'v' }, ...extra };
}

export function pod(name: string, namespace = 'default', labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function deployment(name: string, replicas = 1, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

/** A fresh SQLite file in a temp directory; `cleanup` closes nothing, the caller closes the store first. */
export function tempSqlite(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-apiserver-test-'));
  return { file: path.join(dir, 'wharf.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  server: ApiServer;
  store: Store;
  url: string;
  /** Sends a request; the body is JSON-encoded unless it is a string. */
  call(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Responses are arbitrary JSON; tests read them field by field.
  body: any;
}

export async function startServer(store: Store = new MemoryStore(), onClose?: () => void): Promise<TestServer> {
  const server = new ApiServer({ store });
  const port = await server.listen(0);
  const url = `http://127.0.0.1:${port}`;
  return {
    server,
    store,
    url,
    async call(method, urlPath, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + urlPath, init);
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async close() {
      await server.close();
      await store.close();
      onClose?.();
    },
  };
}

export async function startSqliteServer(): Promise<TestServer> {
  const { file, cleanup } = tempSqlite();
  return startServer(new SqliteStore(file, { durable: false }), cleanup);
}

export interface WatchEvent {
  type: string;
  // Event objects are arbitrary JSON.
  object: any;
}

/** An open watch stream: events arrive in `events`; `until` waits for a condition on them. */
export interface WatchStream {
  status: number;
  events: WatchEvent[];
  /** Resolves once the stream has ended (server closed it). */
  ended: Promise<void>;
  until(pred: (events: WatchEvent[]) => boolean, timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

export async function openWatch(url: string): Promise<WatchStream> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const events: WatchEvent[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) events.push(JSON.parse(line) as WatchEvent);
        }
        notify();
      }
    } catch {
      // Aborted by close().
    }
    notify();
  })();
  let done = false;
  void ended.then(() => (done = true));
  return {
    status: res.status,
    events,
    ended,
    async until(pred, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(events)) {
        if (done) throw new Error(`watch ended before the condition held: ${JSON.stringify(events)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`watch condition not met in time: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return events;
    },
    close() {
      abort.abort();
    },
  };
}
