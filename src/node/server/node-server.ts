import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { KubeObject } from '../../api/index.js';
import type { ExecIO, Runtime } from '../runtime.js';
import { parseLogQuery, writeLogs } from './container-logs.js';
import {
  parsePortsQuery,
  portForwardProtocol,
  servePortForward,
  serveWebSocketPortForward,
  tunneledPortForwardProtocol,
  webSocketPortForwardProtocol,
} from './port-forward.js';
import {
  channelProtocols,
  exitCodeStatus,
  internalErrorStatus,
  spdyRemoteCommand,
  successStatus,
  webSocketRemoteCommand,
  type RemoteCommandSession,
  type StreamRequest,
} from './remote-command.js';
import { selfSignedServingCertificate } from './serving-certificate.js';
import { SpdySession } from './spdy.js';
import { acceptWebSocket, isWebSocketRequest, offeredSubprotocols, webSocketByteStream } from './websocket.js';

/** The user the API server's client certificate names (kubeadm's name for it). */
export const apiServerKubeletClientUser = 'kube-apiserver-kubelet-client';

/** A node whose pods the server serves: its agent. */
export interface ServedNode {
  readonly name: string;
  readonly runtime: Runtime;
  /** The pod `namespace/name` if this node runs it. */
  servedPod(namespace: string, name: string): KubeObject | undefined;
}

export interface NodeServerOptions {
  /** The CA (PEM) whose client certificates are accepted: the cluster CA. */
  clientCa: string;
  /** Client certificate common names allowed in; the API server's (`kube-apiserver-kubelet-client`) by default. */
  allowedUsers?: string[];
  /** The serving certificate and key (PEM); make one with `selfSignedServingCertificate`. */
  tls: { cert: string; key: string };
  logger?: (message: string, err?: unknown) => void;
}

/** An error answered as kubelet answers: a status code and a plain-text message. */
class HttpError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function streamFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== 'false' && v !== '0';
}

function describePod(pod: KubeObject): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}`;
}

/**
 * The node API (kubelet's port 10250) for one or many node agents in a process: `/containerLogs`,
 * `/exec`, `/attach` and `/portForward`, over HTTPS. Only the API server gets in: every request must
 * come with a client certificate signed by the cluster CA naming an allowed user. Requests find their
 * node by the pod they name, so a simulated fleet shares one server.
 *
 * @example
 * const server = new NodeServer({ clientCa, tls: await selfSignedServingCertificate([ip]) });
 * const port = await server.listen(0, '0.0.0.0');
 * server.addNode(agent);
 */
export class NodeServer {
  private readonly nodes = new Map<string, ServedNode>();
  private readonly server: Server;
  private readonly allowed: Set<string>;
  private readonly log: (message: string, err?: unknown) => void;
  private readonly upgraded = new Set<Duplex>();
  private boundPort = 0;

  constructor(opts: NodeServerOptions) {
    this.allowed = new Set(opts.allowedUsers ?? [apiServerKubeletClientUser]);
    this.log = opts.logger ?? ((m, e) => console.error(`wharf node API: ${m}`, e ?? ''));
    this.server = createServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  /** The port it listens on (0 before `listen`). */
  get port(): number {
    return this.boundPort;
  }

  addNode(node: ServedNode): void {
    this.nodes.set(node.name, node);
  }

  removeNode(node: ServedNode): void {
    if (this.nodes.get(node.name) === node) this.nodes.delete(node.name);
  }

  async listen(port = 0, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    return this.boundPort;
  }

  async close(): Promise<void> {
    for (const s of this.upgraded) s.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The user of an authenticated request, or an HttpError (401 without a certificate, 403 for others). */
  private authorize(req: IncomingMessage): void {
    const socket = req.socket as TLSSocket;
    const cert = socket.getPeerCertificate?.();
    if (!socket.authorized || !cert || Object.keys(cert).length === 0) throw new HttpError(401, 'Unauthorized');
    const cn = cert.subject?.CN;
    const user = Array.isArray(cn) ? cn[0] : cn;
    if (!user || !this.allowed.has(user)) throw new HttpError(403, `Forbidden (user=${user ?? ''}, verb=${(req.method ?? 'GET').toLowerCase()}, resource=nodes, subresource=proxy)`);
  }

  /** The node and pod a path names; HttpError 404 when no node here runs it. */
  private find(namespace: string | undefined, name: string | undefined): { node: ServedNode; pod: KubeObject } {
    if (!namespace || !name) throw new HttpError(404, 'Not Found');
    for (const node of this.nodes.values()) {
      const pod = node.servedPod(namespace, name);
      if (pod) return { node, pod };
    }
    throw new HttpError(404, `pod "${name}" in namespace "${namespace}" not found`);
  }

  private container(pod: KubeObject, name: string | undefined): string {
    const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
    const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    if (!name) throw new HttpError(400, 'missing container name');
    if (!all.includes(name)) throw new HttpError(404, `container "${name}" not found in pod "${pod.metadata.name}"`);
    return name;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://node');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === 'healthz') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      this.authorize(req);
      if (parts[0] === 'containerLogs' && (req.method === 'GET' || req.method === 'HEAD')) return await this.serveLogs(req, res, parts, url.searchParams);
      if (parts[0] === 'exec' || parts[0] === 'attach' || parts[0] === 'portForward') throw new HttpError(400, 'Upgrade request required');
      throw new HttpError(404, '404 page not found');
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, (e as Error).message);
      if (!(e instanceof HttpError)) this.log(`${req.method} ${req.url} failed`, e);
      if (res.headersSent) res.destroy();
      else res.writeHead(err.code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(err.message);
    }
  }

  private async serveLogs(req: IncomingMessage, res: ServerResponse, parts: string[], q: URLSearchParams): Promise<void> {
    const [, namespace, podName, containerName] = parts;
    const { node, pod } = this.find(namespace, podName);
    const container = this.container(pod, containerName);
    let opts;
    try {
      opts = parseLogQuery(q);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    const runtime = node.runtime;
    if (!runtime.logs) throw new HttpError(400, `the ${runtime.version.split(':')[0]} runtime of node "${node.name}" keeps no container logs`);
    const uid = pod.metadata.uid ?? '';
    this.checkLogState(runtime, uid, pod, container, opts.previous);
    const open = (follow: boolean) => runtime.logs!(uid, container, { previous: opts.previous, follow: follow && !opts.previous });
    const first = await open(opts.follow).catch((e: Error) => {
      throw new HttpError(400, e.message);
    });
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
    if (req.method === 'HEAD') {
      first.destroy();
      return void res.end();
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let used = false;
    // The first stream is already open; a tail with follow asks for a second.
    const reuse = (follow: boolean) => {
      if (!used && follow === opts.follow) {
        used = true;
        return Promise.resolve(first);
      }
      return open(follow);
    };
    if (opts.tailLines !== undefined && opts.follow) {
      used = true;
      first.destroy();
    }
    await writeLogs(reuse, { ...opts, follow: opts.follow && !opts.previous }, res, abort.signal);
    if (!used) first.destroy();
    res.end();
  }

  /** kubelet's answers for a container with no log to give. */
  private checkLogState(runtime: Runtime, uid: string, pod: KubeObject, container: string, previous: boolean): void {
    const status = runtime.podStatus(uid);
    const c = [...(status?.containers ?? []), ...(status?.initContainers ?? [])].find((s) => s.name === container);
    const podName = pod.metadata.name;
    if (previous) {
      if (!c?.lastState || !('terminated' in c.lastState)) throw new HttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
      return;
    }
    if (!c || !c.containerID) {
      const reason = c && 'waiting' in c.state ? c.state.waiting.reason : 'ContainerCreating';
      throw new HttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
    }
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    try {
      this.authorize(req);
      const url = new URL(req.url ?? '/', 'https://node');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const q = url.searchParams;
      if (parts[0] === 'portForward') return this.upgradePortForward(req, socket, head, parts, q);
      if (parts[0] !== 'exec' && parts[0] !== 'attach') throw new HttpError(404, '404 page not found');
      const { node, pod } = this.find(parts[1], parts[2]);
      const container = this.container(pod, parts[3]);
      const request: StreamRequest = { stdin: streamFlag(q, 'stdin'), stdout: streamFlag(q, 'stdout'), stderr: streamFlag(q, 'stderr'), tty: streamFlag(q, 'tty') };
      const command = q.getAll('command');
      if (parts[0] === 'exec' && command.length === 0) throw new HttpError(400, 'you must specify at least 1 command');
      if (!request.stdin && !request.stdout && !request.stderr) throw new HttpError(400, 'you must specify at least one of stdin, stdout, stderr');
      const uid = pod.metadata.uid ?? '';
      const running = [...(node.runtime.podStatus(uid)?.containers ?? [])].find((c) => c.name === container);
      if (!running || !('running' in running.state)) throw new HttpError(400, `container not found ("${container}")`);
      const session = await this.negotiateRemoteCommand(req, socket, head, request);
      if (!session) return;
      const io: ExecIO = { ...session.io, signal: session.signal };
      const runtime = node.runtime;
      let status;
      try {
        const run =
          parts[0] === 'exec'
            ? runtime.exec?.bind(runtime, uid, container, command, io)
            : runtime.attach?.bind(runtime, uid, container, io);
        if (!run) throw new Error(`the ${runtime.version.split(':')[0]} runtime of node "${node.name}" cannot ${parts[0]}`);
        const code = await run();
        status = code === 0 ? successStatus : exitCodeStatus(code);
      } catch (e) {
        status = internalErrorStatus(`error ${parts[0] === 'exec' ? 'executing command in' : 'attaching to'} container: ${(e as Error).message}`);
      }
      await session.finish(status);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, (e as Error).message);
      if (!(e instanceof HttpError)) this.log(`${req.method} ${req.url} failed`, e);
      refuse(socket, err.code, err.message);
    }
  }

  /** Upgrades to a WebSocket or SPDY connection for exec/attach; undefined when the client was refused. */
  private async negotiateRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, request: StreamRequest): Promise<RemoteCommandSession | undefined> {
    this.track(socket);
    if (isWebSocketRequest(req)) {
      const accepted = acceptWebSocket(req, socket, head, channelProtocols);
      if (!accepted) return undefined;
      return webSocketRemoteCommand(accepted.ws, accepted.protocol, request);
    }
    const protocol = this.upgradeSpdy(req, socket, ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
    if (!protocol) return undefined;
    const session = new SpdySession(socket);
    session.on('error', (e) => this.log('SPDY session failed', e));
    if (head.length > 0) socket.unshift(head);
    return spdyRemoteCommand(session, protocol, request);
  }

  private upgradePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, parts: string[], q: URLSearchParams): void {
    const { node, pod } = this.find(parts[1], parts[2]);
    const uid = pod.metadata.uid ?? '';
    const runtime = node.runtime;
    const dial = async (port: number): Promise<Duplex> => {
      if (!runtime.portForward) throw new Error(`the ${runtime.version.split(':')[0]} runtime of node "${node.name}" cannot forward ports`);
      return runtime.portForward(uid, port);
    };
    const describe = `${describePod(pod)}, uid ${uid}`;
    this.track(socket);
    let session: SpdySession;
    if (isWebSocketRequest(req)) {
      const tunneled = offeredSubprotocols(req).includes(tunneledPortForwardProtocol);
      // Without the SPDY tunnel, ports come in the query and each gets WebSocket channels.
      let ports: number[] = [];
      if (!tunneled) {
        try {
          ports = parsePortsQuery(q);
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
      }
      const accepted = acceptWebSocket(req, socket, head, tunneled ? [tunneledPortForwardProtocol] : [webSocketPortForwardProtocol]);
      if (!accepted) return;
      if (!tunneled) return serveWebSocketPortForward(accepted.ws, ports, describe, dial);
      session = new SpdySession(webSocketByteStream(accepted.ws));
    } else {
      if (!this.upgradeSpdy(req, socket, [portForwardProtocol])) return;
      if (head.length > 0) socket.unshift(head);
      session = new SpdySession(socket);
    }
    session.on('error', (e) => this.log('port-forward session failed', e));
    servePortForward(session, describe, dial);
  }

  /** Answers a SPDY upgrade (101 with the negotiated `X-Stream-Protocol-Version`); undefined when refused. */
  private upgradeSpdy(req: IncomingMessage, socket: Duplex, serverProtocols: string[]): string | undefined {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') {
      refuse(socket, 400, 'unable to upgrade: missing upgrade headers in request');
      return undefined;
    }
    const raw = req.headers['x-stream-protocol-version'];
    const offered = (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (offered.length === 0) {
      refuse(socket, 400, 'unable to upgrade: X-Stream-Protocol-Version is required');
      return undefined;
    }
    const protocol = offered.find((p) => serverProtocols.includes(p));
    if (!protocol) {
      refuse(socket, 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${serverProtocols.join(' ')}]`);
      return undefined;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    return protocol;
  }

  private track(socket: Duplex): void {
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
  }
}

/** Writes a plain-text HTTP error on a socket that was not upgraded, and closes it. */
function refuse(socket: Duplex, code: number, message: string): void {
  const reasons: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
  const body = Buffer.from(message);
  socket.end(`HTTP/1.1 ${code} ${reasons[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${message}`);
}

export interface StartNodeServerOptions {
  /** The cluster CA (PEM): the API server's client certificate must chain to it. */
  clientCa: string;
  /** Names and addresses the self-signed serving certificate covers (the node's InternalIP first). */
  hosts: string[];
  /** Where to listen; `0.0.0.0` and a free port by default (kubelet's is 10250). */
  host?: string;
  port?: number;
  logger?: (message: string, err?: unknown) => void;
}

/**
 * Starts a node API with a fresh self-signed serving certificate, ready to pass to `NodeAgent`s as
 * `nodeServer` (they publish its port in Node status). Close it after the agents stop.
 *
 * @example
 * const nodeServer = await startNodeServer({ clientCa: caPem, hosts: [internalIP, name] });
 * const agent = new NodeAgent({ host, runtime, config, nodeServer });
 */
export async function startNodeServer(opts: StartNodeServerOptions): Promise<NodeServer> {
  const server = new NodeServer({ clientCa: opts.clientCa, tls: await selfSignedServingCertificate(opts.hosts), logger: opts.logger });
  await server.listen(opts.port ?? 0, opts.host ?? '0.0.0.0');
  return server;
}
