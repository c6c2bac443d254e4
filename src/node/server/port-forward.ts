import type { Duplex } from 'node:stream';
import type { SpdySession, SpdyStream } from './spdy.js';
import type { WebSocketConnection } from './websocket.js';

/** The port-forward subprotocol kubectl asks for over SPDY (and tunnels through a WebSocket). */
export const portForwardProtocol = 'portforward.k8s.io';
/** The WebSocket subprotocol of SPDY tunnelled through WebSocket messages (kubectl 1.31+). */
export const tunneledPortForwardProtocol = 'SPDY/3.1+portforward.k8s.io';

/** Opens the connection to a pod's port; rejects with the reason it cannot. */
export type PortDialer = (port: number) => Promise<Duplex>;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** How long the second stream of a pair may take to come (kubelet's stream creation timeout). */
const pairTimeoutMs = 30_000;

/**
 * Serves port-forward over a SPDY session: for each forwarded connection the client opens an `error`
 * and a `data` stream with the same `requestid` and `port` headers; the data stream is joined to a
 * connection to that port, and a failure is written on the error stream (kubelet's wording) before
 * both are closed.
 */
export function servePortForward(session: SpdySession, describe: string, dial: PortDialer): void {
  const pairs = new Map<string, Pair>();
  let anonymous = 0;
  session.on('stream', (stream) => {
    const type = stream.headers.streamtype;
    if (type !== 'error' && type !== 'data') {
      stream.reset();
      return;
    }
    // Clients before requestID (Kubernetes 1.5) sent the pair back to back.
    const id = stream.headers.requestid ?? String(type === 'error' ? ++anonymous : anonymous);
    let pair = pairs.get(id);
    if (!pair) {
      pair = { timer: setTimeout(() => drop(id), pairTimeoutMs) };
      pairs.set(id, pair);
    }
    if (pair[type]) {
      stream.reset();
      return;
    }
    pair[type] = stream;
    void stream.reply();
    if (type === 'error') stream.resume();
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      void forward(pair.data, pair.error, describe, dial);
    }
  });
  const drop = (id: string): void => {
    const pair = pairs.get(id);
    pairs.delete(id);
    pair?.data?.reset();
    pair?.error?.reset();
  };
  session.on('close', () => {
    for (const [id, pair] of pairs) {
      clearTimeout(pair.timer);
      drop(id);
    }
  });
}

async function forward(data: SpdyStream, error: SpdyStream, describe: string, dial: PortDialer): Promise<void> {
  const portText = data.headers.port ?? '';
  const port = Number(portText);
  const fail = (message: string): void => {
    error.end(`error forwarding port ${portText} to pod ${describe}: ${message}`);
    data.end();
  };
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return fail(`invalid port "${portText}"`);
  let conn: Duplex;
  try {
    conn = await dial(port);
  } catch (e) {
    return fail((e as Error).message);
  }
  let settled = false;
  const done = (err?: Error): void => {
    if (settled) return;
    settled = true;
    if (err) error.write(`error forwarding port ${port} to pod ${describe}: ${err.message}`);
    error.end();
    if (!data.writableEnded) data.end();
    conn.destroy();
  };
  conn.on('error', (e: Error) => done(e));
  // The client's half-close ends our writing to the port; the port's end finishes the pair.
  data.pipe(conn);
  conn.on('data', (chunk: Buffer) => {
    if (!data.write(chunk)) {
      conn.pause();
      data.once('drain', () => conn.resume());
    }
  });
  conn.on('end', () => done());
  conn.on('close', () => done());
  data.on('close', () => done());
}

/** The WebSocket port-forward subprotocol of clients that do not tunnel SPDY (@kubernetes/client-node). */
export const webSocketPortForwardProtocol = 'v4.channel.k8s.io';

/** The `ports` query of a WebSocket port-forward (repeated or comma-separated); throws with kubelet's message. */
export function parsePortsQuery(q: URLSearchParams): number[] {
  const values = q.getAll('ports');
  if (values.length === 0) throw new RangeError('query parameter "ports" is required');
  const ports: number[] = [];
  for (const v of values) {
    if (v === '') throw new RangeError('query parameter "ports" cannot be empty');
    for (const p of v.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(n <= 65535)) throw new RangeError(`unable to parse "${v}" as a port`);
      if (n < 1) throw new RangeError(`port "${v}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

/**
 * Port-forward over WebSocket channels, as kubelet serves it: port i has a data channel 2i and an
 * error channel 2i+1, each opened by the server writing the port as two little-endian bytes; the
 * connection to each port is made at once and the WebSocket closes when all have ended.
 */
export function serveWebSocketPortForward(ws: WebSocketConnection, ports: number[], describe: string, dial: PortDialer): void {
  const conns = new Map<number, Duplex>();
  let open = ports.length;
  const send = (channel: number, data: Buffer): boolean => ws.send(Buffer.concat([Buffer.of(channel), data]));
  ws.on('message', (data, binary) => {
    if (!binary || data.length === 0) return;
    const channel = data[0];
    if (channel % 2 === 0) conns.get(channel / 2)?.write(data.subarray(1));
  });
  ws.on('close', () => {
    for (const c of conns.values()) c.destroy();
  });
  const finished = (): void => {
    if (--open === 0) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    dial(port).then(
      (conn) => {
        conns.set(i, conn);
        let done = false;
        const end = (err?: Error): void => {
          if (done) return;
          done = true;
          if (err) send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${describe}: ${err.message}`));
          conns.delete(i);
          conn.destroy();
          finished();
        };
        conn.on('data', (d: Buffer) => {
          if (!send(2 * i, d)) {
            conn.pause();
            ws.whenDrained(() => conn.resume());
          }
        });
        conn.on('error', (e: Error) => end(e));
        conn.on('end', () => end());
        conn.on('close', () => end());
      },
      (e: Error) => {
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${describe}: ${e.message}`));
        finished();
      },
    );
  });
}
