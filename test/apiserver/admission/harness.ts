// A real ApiServer over a MemoryStore whose admission chain is wired to its watch caches, as the server will
// wire it (`admissionWiring`), so admission is exercised end to end through HTTP.
import { MemoryStore } from '../../../src/storage/index.js';
import { ApiServer } from '../../../src/apiserver/server.js';
import { Admission, type AdmissionOptions } from '../../../src/apiserver/admission.js';
import { admissionWiring } from '../../../src/apiserver/admission/server-wiring.js';

export interface Reply {
  status: number;
  headers: Headers;
  // Responses are arbitrary JSON; tests read them field by field.
  body: any;
}

export interface AdmissionServer {
  server: ApiServer;
  admission: Admission;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function startAdmissionServer(opts: AdmissionOptions = {}): Promise<AdmissionServer> {
  const server = new ApiServer({ store: new MemoryStore() });
  const ns = server.storeFor(server.registry.lookup('', 'v1', 'namespaces')!);
  const svc = server.storeFor(server.registry.lookup('', 'v1', 'services')!);
  const admission = new Admission(ns, svc, { ...admissionWiring(server), quotaResyncMs: 0, tokenVolumeSuffix: () => 'abcde', ...opts });
  // The server builds its own chain without a lister; tests swap in the wired one.
  Object.assign(server, { admission });
  const port = await server.listen(0);
  const url = `http://127.0.0.1:${port}`;
  return {
    server,
    admission,
    async call(method, path, body, contentType = 'application/json') {
      const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': contentType } };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await fetch(url + path, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async close() {
      admission.stop();
      await server.close();
    },
  };
}

export function podBody(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}

export async function createNamespace(s: AdmissionServer, name: string, labels?: Record<string, string>): Promise<void> {
  const r = await s.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
  if (r.status !== 201) throw new Error(`namespace ${name}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Polls until `check` passes (status writes land asynchronously after some writes). */
export async function eventually(check: () => Promise<void>, timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
