import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, StatusError, type KubeObject, type StatusReason } from '../../api/index.js';
import type { ResourceStore } from '../resource-store.js';
import { nodeEndpoint, type KubeletClient, type NodeEndpoint } from './kubelet-client.js';

/** The pod subresources that stream through the node API. */
export const streamingSubresources = new Set(['exec', 'attach', 'portforward']);

/** What the streaming handlers read: pods and nodes, and the way to the node API. */
export interface PodConnectContext {
  pods: ResourceStore;
  nodes: ResourceStore;
  kubelet: KubeletClient | undefined;
}

/** The container a request means: the named one (checked), or the pod's only one. */
export function chooseContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  const containers = (spec.containers ?? []).map((c) => c.name);
  const all = [...containers, ...(spec.initContainers ?? []).map((c) => c.name), ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  const name = pod.metadata.name;
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  if (containers.length === 1) return containers[0];
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
}

/** The node API endpoint of the node running `pod`, or undefined when its Node publishes none. */
export async function endpointFor(ctx: PodConnectContext, pod: KubeObject): Promise<{ nodeName: string; endpoint: NodeEndpoint | undefined }> {
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const node = await ctx.nodes.find(undefined, nodeName);
  return { nodeName, endpoint: node ? nodeEndpoint(node.obj) : undefined };
}

const reasons: Record<number, StatusReason> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError', 503: 'ServiceUnavailable' } as Record<number, StatusReason>;

/** The log query parameters kubelet's `/containerLogs` takes (the API server's own are not passed on). */
const logParams = ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes'];

/**
 * Streams a container's log from its node API to `res`. Resolves false, having written nothing, when
 * the node publishes no node API (the caller answers as it did before nodes served logs).
 */
export async function proxyLog(ctx: PodConnectContext, pod: KubeObject, container: string, query: URLSearchParams, res: ServerResponse): Promise<boolean> {
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
  if (!nodeName || !ctx.kubelet) return false;
  const { endpoint } = await endpointFor(ctx, pod);
  if (!endpoint) return false;
  const q = new URLSearchParams();
  for (const p of logParams) {
    const v = query.get(p);
    if (v !== null) q.set(p, v);
  }
  const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}${q.size > 0 ? `?${q}` : ''}`;
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const upstream = await ctx.kubelet.get(endpoint, path, abort.signal);
  const code = upstream.statusCode ?? 500;
  if (code < 200 || code > 299) {
    let body = '';
    for await (const chunk of upstream) {
      body += (chunk as Buffer).toString('utf8');
      if (body.length > 4096) break;
    }
    throw new StatusError(code, reasons[code] ?? 'InternalError', body.trim() || `the node answered ${code}`);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  await new Promise<void>((resolve) => {
    upstream.on('data', (chunk: Buffer) => {
      if (!res.write(chunk)) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => resolve());
    upstream.on('error', () => resolve());
    upstream.on('aborted', () => resolve());
    res.on('close', () => {
      upstream.destroy();
      resolve();
    });
  });
  res.end();
  return true;
}

/**
 * Connects an upgrade request for `pods/exec`, `pods/attach` or `pods/portforward` to the node API
 * running the pod: the request goes on to kubelet's path (`/exec/<ns>/<pod>/<container>?...`,
 * `/portForward/<ns>/<pod>`) with the client's query, and the two connections are joined.
 */
export async function proxyPodConnect(ctx: PodConnectContext, subresource: string, pod: KubeObject, req: IncomingMessage, query: URLSearchParams, socket: Duplex, head: Buffer): Promise<void> {
  const ns = encodeURIComponent(pod.metadata.namespace ?? '');
  const name = encodeURIComponent(pod.metadata.name ?? '');
  let path: string;
  if (subresource === 'portforward') {
    path = `/portForward/${ns}/${name}${query.size > 0 ? `?${query}` : ''}`;
  } else {
    const container = chooseContainer(pod, query.get('container'));
    const q = new URLSearchParams(query);
    q.delete('container');
    path = `/${subresource}/${ns}/${name}/${encodeURIComponent(container)}${q.size > 0 ? `?${q}` : ''}`;
  }
  const { nodeName, endpoint } = await endpointFor(ctx, pod);
  if (!endpoint) {
    throw new StatusError(503, 'ServiceUnavailable', `${subresource} is not available for pod ${pod.metadata.name}: node "${nodeName}" publishes no node API (status.daemonEndpoints.kubeletEndpoint.Port is 0)`);
  }
  if (!ctx.kubelet) {
    throw new StatusError(503, 'ServiceUnavailable', `${subresource} is not available for pod ${pod.metadata.name}: the API server has no client certificate for node APIs (it runs without a cluster CA)`);
  }
  await ctx.kubelet.proxyUpgrade(endpoint, path, req, socket, head);
}
