import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';

/** RFC 6455's fixed GUID, appended to the client's key to prove the server read the handshake. */
const acceptGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const opContinuation = 0x0;
const opText = 0x1;
const opBinary = 0x2;
const opClose = 0x8;
const opPing = 0x9;
const opPong = 0xa;

/** Messages larger than this are refused (close 1009): no Kubernetes stream message comes near it. */
const maxMessageBytes = 64 * 1024 * 1024;

/** True when the request asks to become a WebSocket. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The subprotocols a client offers (`Sec-WebSocket-Protocol`), in its order. */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const all = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return all.split(',').map((p) => p.trim()).filter(Boolean);
}

/** The `Sec-WebSocket-Accept` value for a client key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + acceptGuid).digest('base64');
}

/**
 * Completes the server side of the opening handshake on an upgraded socket: answers 101 with the chosen
 * subprotocol (the first the client offered that `supported` has; none when `supported` is empty) and
 * returns the connection, or answers 400 and returns undefined when the request is not a valid one.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, supported: readonly string[]): { ws: WebSocketConnection; protocol: string } | undefined {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (typeof key !== 'string' || key.length === 0 || version !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n');
    return undefined;
  }
  const offered = offeredSubprotocols(req);
  const protocol = offered.find((p) => supported.includes(p)) ?? '';
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(key)}`];
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  const ws = new WebSocketConnection(socket, { maskOutgoing: false });
  if (head.length > 0) ws.receive(head);
  return { ws, protocol };
}

export interface WebSocketEvents {
  message: [data: Buffer, binary: boolean];
  close: [code: number, reason: string];
}

/**
 * One WebSocket connection over an upgraded socket: frames are parsed (fragments joined, masks removed),
 * pings answered with pongs, a close answered with a close; `send` writes one unfragmented message.
 * Servers do not mask what they send; `maskOutgoing` is for tests that play the client.
 */
export class WebSocketConnection extends EventEmitter<WebSocketEvents> {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private fragmentBytes = 0;
  private closeSent = false;
  private closed = false;
  private readonly maskOutgoing: boolean;
  private drainWaiters: (() => void)[] = [];

  constructor(readonly socket: Duplex, opts: { maskOutgoing: boolean }) {
    super();
    this.maskOutgoing = opts.maskOutgoing;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.drained());
    socket.on('close', () => this.finish(1006, ''));
    // The peer's FIN without a close frame: it is gone (abnormal closure).
    socket.on('end', () => {
      this.finish(1006, '');
      socket.end();
    });
    socket.on('error', () => this.finish(1006, ''));
  }

  get isOpen(): boolean {
    return !this.closeSent && !this.closed;
  }

  /** Writes one binary (or text) message; false once the connection is closing. */
  send(data: Buffer | string, binary = true): boolean {
    if (!this.isOpen) return false;
    return this.socket.write(this.frame(binary ? opBinary : opText, typeof data === 'string' ? Buffer.from(data) : data));
  }

  /** Calls `fn` once the socket has taken what was sent (at once if the connection is gone). */
  whenDrained(fn: () => void): void {
    if (this.closed) fn();
    else this.drainWaiters.push(fn);
  }

  private drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  ping(data: Buffer = Buffer.alloc(0)): void {
    if (this.isOpen) this.socket.write(this.frame(opPing, data));
  }

  /** Starts the closing handshake; the socket ends once the peer answers (or after a second). */
  close(code = 1000, reason = ''): void {
    if (this.closeSent || this.closed) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.socket.write(this.frame(opClose, payload));
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  /** Feeds bytes read from the socket (exposed for bytes that came with the upgrade request). */
  receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = this.parseFrame();
      if (!frame) return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
      if (this.closed) return;
    }
  }

  private parseFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let len = b[1] & 0x7f;
    let offset = 2;
    if (len === 126) {
      if (b.length < 4) return undefined;
      len = b.readUInt16BE(2);
      offset = 4;
    } else if (len === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(maxMessageBytes)) {
        this.fail(1009, 'message too big');
        return undefined;
      }
      len = Number(big);
      offset = 10;
    }
    const maskAt = offset;
    if (masked) offset += 4;
    if (b.length < offset + len) return undefined;
    const payload = Buffer.from(b.subarray(offset, offset + len));
    if (masked) {
      for (let i = 0; i < payload.length; i++) payload[i] ^= b[maskAt + (i & 3)];
    }
    this.buffer = b.subarray(offset + len);
    return { fin, opcode, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case opPing:
        if (this.isOpen) this.socket.write(this.frame(opPong, payload));
        return;
      case opPong:
        return;
      case opClose: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : '';
        if (!this.closeSent) {
          this.closeSent = true;
          const echo = Buffer.alloc(2);
          echo.writeUInt16BE(code === 1005 ? 1000 : code, 0);
          this.socket.write(this.frame(opClose, echo));
        }
        this.socket.end();
        this.finish(code, reason);
        return;
      }
      case opText:
      case opBinary:
        if (this.fragments.length > 0) return this.fail(1002, 'new message inside a fragmented one');
        if (fin) {
          this.emit('message', payload, opcode === opBinary);
          return;
        }
        this.fragmentOpcode = opcode;
        this.fragments = [payload];
        this.fragmentBytes = payload.length;
        return;
      case opContinuation: {
        if (this.fragments.length === 0) return this.fail(1002, 'continuation without a message');
        this.fragments.push(payload);
        this.fragmentBytes += payload.length;
        if (this.fragmentBytes > maxMessageBytes) return this.fail(1009, 'message too big');
        if (!fin) return;
        const whole = Buffer.concat(this.fragments);
        this.fragments = [];
        this.emit('message', whole, this.fragmentOpcode === opBinary);
        return;
      }
      default:
        this.fail(1002, `unknown opcode ${opcode}`);
    }
  }

  private fail(code: number, reason: string): void {
    this.close(code, reason);
    this.socket.end();
    this.finish(code, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.drained();
    this.emit('close', code, reason);
  }

  private frame(opcode: number, payload: Buffer): Buffer {
    const len = payload.length;
    const extra = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const maskBytes = this.maskOutgoing ? 4 : 0;
    const out = Buffer.alloc(2 + extra + maskBytes + len);
    out[0] = 0x80 | opcode;
    out[1] = (this.maskOutgoing ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
    if (extra === 2) out.writeUInt16BE(len, 2);
    else if (extra === 8) out.writeBigUInt64BE(BigInt(len), 2);
    const at = 2 + extra;
    if (this.maskOutgoing) {
      const mask = createHash('md5').update(String(Math.random())).digest().subarray(0, 4);
      mask.copy(out, at);
      for (let i = 0; i < len; i++) out[at + 4 + i] = payload[i] ^ mask[i & 3];
    } else {
      payload.copy(out, at);
    }
    return out;
  }
}

/**
 * The byte stream carried in a WebSocket's binary messages, message boundaries ignored: how kubectl
 * tunnels SPDY through a WebSocket (`SPDY/3.1+portforward.k8s.io`). Ending it closes the WebSocket.
 */
export function webSocketByteStream(ws: WebSocketConnection): Duplex {
  const stream = new Duplex({
    allowHalfOpen: false,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (!ws.isOpen) return cb();
      if (ws.send(chunk)) cb();
      else ws.whenDrained(() => cb());
    },
    final(cb) {
      ws.close(1000);
      cb();
    },
  });
  ws.on('message', (data) => stream.push(data));
  ws.on('close', () => {
    stream.push(null);
    stream.destroy();
  });
  return stream;
}
