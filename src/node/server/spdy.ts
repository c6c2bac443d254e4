import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { spdyDictionary } from './spdy-dictionary.js';

/** SPDY/3 control frame types (draft 3, section 2.6). */
export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const flagFin = 0x01;
export const flagUnidirectional = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6 } as const;

/** Kubernetes' clients never split data, but large writes go out in frames of at most this. */
const maxDataFrame = 64 * 1024;
/** A frame claiming more than this is a protocol error, not something to buffer. */
const maxFrameLength = 16 * 1024 * 1024 - 1;

/** Header names and values as SPDY carries them: lower-case names, values joined by NUL. */
export type SpdyHeaders = Record<string, string>;

/** Encodes a header block before compression: counts and lengths as 32-bit big-endian numbers. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed header block; a repeated name keeps its values NUL-joined, as SPDY sends them. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  if (block.length < 4) throw new SpdyProtocolError('header block too short');
  const count = block.readUInt32BE(0);
  let at = 4;
  const take = (): string => {
    if (at + 4 > block.length) throw new SpdyProtocolError('header block truncated');
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new SpdyProtocolError('header block truncated');
    const s = block.subarray(at, at + len).toString('utf8');
    at += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = take();
    const value = take();
    out[name.toLowerCase()] = name.toLowerCase() in out ? `${out[name.toLowerCase()]}\0${value}` : value;
  }
  return out;
}

export class SpdyProtocolError extends Error {}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/**
 * One zlib context used for a whole connection, as SPDY requires: each header block continues the
 * stream and ends with a sync flush. Blocks are processed one at a time, in order.
 */
class HeaderCodec {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly z: zlib.Inflate | zlib.Deflate) {
    z.on('error', () => undefined);
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const onError = (e: Error): void => reject(new SpdyProtocolError(`header block: ${e.message}`));
          this.z.once('error', onError);
          this.z.write(input);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.z.off('error', onError);
            const out: Buffer[] = [];
            for (let chunk = this.z.read() as Buffer | null; chunk !== null; chunk = this.z.read() as Buffer | null) out.push(chunk);
            resolve(Buffer.concat(out));
          });
        }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every block handed in so far was processed. */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  close(): void {
    this.z.destroy();
  }
}

export interface SpdySessionEvents {
  /** A peer opened a stream; answer with `reply()` (or `reset()`) promptly: clients wait for it. */
  stream: [stream: SpdyStream];
  close: [];
  error: [error: Error];
}

/**
 * The server side of a SPDY/3.1 connection as Kubernetes uses it (the moby/spdystream peer kubectl
 * embeds): clients open streams with SYN_STREAM, the server answers SYN_REPLY, both send DATA and
 * half-close with FIN; PINGs from the client are echoed; GOAWAY ends the session. Flow control:
 * spdystream neither sends nor honours WINDOW_UPDATE, so they are read and ignored, and the server
 * slows down through the transport's own back-pressure instead.
 */
export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = new HeaderCodec(zlib.createInflate({ dictionary: spdyDictionary }));
  private readonly deflater = new HeaderCodec(zlib.createDeflate({ dictionary: spdyDictionary, level: 9 }));
  /** Frames are handled in order; header blocks need the (asynchronous) zlib context. */
  private chain: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private goneAway = false;
  private closed = false;
  private closing = false;
  private drainWaiters: (() => void)[] = [];

  constructor(readonly transport: Duplex) {
    super();
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.on('drain', () => this.drained());
    transport.on('end', () => this.shutdown());
    transport.on('close', () => this.shutdown());
    transport.on('error', () => this.shutdown());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends GOAWAY and closes the connection once what was written has gone out. Replies still being
   * compressed go first: a client waits for every SYN_REPLY.
   */
  close(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    void this.deflater.idle().then(() => this.closeNow());
  }

  private closeNow(): void {
    if (this.closed) return;
    if (!this.goneAway) {
      this.goneAway = true;
      const body = Buffer.alloc(8);
      body.writeUInt32BE(this.lastStreamId & 0x7fffffff, 0);
      body.writeUInt32BE(0, 4);
      this.writeControl(FrameType.goAway, 0, body);
    }
    this.transport.end();
    this.shutdown();
  }

  /** @internal Sends SYN_REPLY for a stream. */
  async sendReply(stream: SpdyStream, headers: SpdyHeaders, fin: boolean): Promise<void> {
    const block = await this.deflater.run(encodeHeaderBlock(headers));
    this.writeControl(FrameType.synReply, fin ? flagFin : 0, Buffer.concat([u32(stream.id & 0x7fffffff), block]));
  }

  /** @internal Sends DATA; false when the transport wants the writer to wait for 'drain'. */
  sendData(id: number, data: Buffer, fin: boolean): boolean {
    if (this.closed) return true;
    let ok = true;
    for (let at = 0; at < data.length || (at === 0 && data.length === 0); ) {
      const piece = data.subarray(at, at + maxDataFrame);
      at += Math.max(piece.length, 1);
      const last = at >= data.length;
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id & 0x7fffffff, 0);
      head.writeUInt32BE(piece.length, 4);
      head[4] = fin && last ? flagFin : 0;
      ok = this.transport.write(Buffer.concat([head, piece]));
    }
    return ok;
  }

  /** @internal Calls `fn` once the transport has taken what was written (or the session ended). */
  whenDrained(fn: () => void): void {
    if (this.closed) fn();
    else this.drainWaiters.push(fn);
  }

  private drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  /** @internal */
  sendReset(id: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.writeControl(FrameType.rstStream, 0, body);
  }

  /** @internal A stream closed both ways; forget it, and end a gone-away session with its last stream. */
  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
  }

  private writeControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8000 | 3, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE(body.length, 4);
    head[4] = flags;
    this.transport.write(Buffer.concat([head, body]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (length > maxFrameLength) return this.protocolError(new SpdyProtocolError('frame too large'));
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.chain = this.chain.then(() => this.handleFrame(frame)).catch((e: Error) => this.protocolError(e));
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4];
    const body = frame.subarray(8);
    if ((frame[0] & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const stream = this.streams.get(id);
      if (!stream) return; // data for a stream already reset or finished: dropped, as spdystream does
      stream.deliver(Buffer.from(body), (flags & flagFin) !== 0);
      return;
    }
    const version = frame.readUInt16BE(0) & 0x7fff;
    if (version !== 3) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    const type = frame.readUInt16BE(2);
    switch (type) {
      case FrameType.synStream: {
        if (body.length < 10) throw new SpdyProtocolError('SYN_STREAM too short');
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(await this.inflater.run(body.subarray(10)));
        // Client streams are odd and increasing; anything else is refused without ending the session.
        if (id === 0 || id % 2 === 0 || id <= this.lastStreamId || this.goneAway) {
          this.sendReset(id, RstStatus.protocolError);
          return;
        }
        this.lastStreamId = id;
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        if (flags & (flagFin | flagUnidirectional)) stream.deliver(Buffer.alloc(0), true);
        this.emit('stream', stream);
        return;
      }
      case FrameType.headers: {
        // Nothing uses them, but their block moves the shared zlib context on.
        if (body.length >= 4) await this.inflater.run(body.subarray(4));
        const stream = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        if (stream && flags & flagFin) stream.deliver(Buffer.alloc(0), true);
        return;
      }
      case FrameType.synReply:
        if (body.length >= 4) await this.inflater.run(body.subarray(4));
        return;
      case FrameType.rstStream: {
        const stream = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        stream?.remoteReset();
        return;
      }
      case FrameType.ping: {
        const id = body.readUInt32BE(0);
        // Odd ids are the client's: answered with the same frame. Even ones would be answers to ours.
        if (id % 2 === 1) this.writeControl(FrameType.ping, 0, Buffer.from(body));
        return;
      }
      case FrameType.goAway:
        this.goneAway = true;
        if (this.streams.size === 0) this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and frame types this peer does not know are ignored (draft 3, 2.2.1).
        return;
    }
  }

  private protocolError(e: Error): void {
    if (this.closed) return;
    this.emit('error', e);
    this.close();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.remoteReset();
    this.streams.clear();
    this.inflater.close();
    this.deflater.close();
    this.drained();
    this.emit('close');
  }
}

/**
 * One SPDY stream as a Duplex: what the peer sends is read, what is written is sent as DATA, and
 * `end()` half-closes with FIN. `headers` are the SYN_STREAM's (lower-case names).
 */
export class SpdyStream extends Duplex {
  private replied: Promise<void> | undefined;
  private remoteDone = false;
  private localDone = false;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
  }

  /** Accepts the stream (SYN_REPLY with no headers, as kubelet sends). */
  reply(): Promise<void> {
    // Data must not overtake the reply (the client drops data on a stream it has no reply for).
    this.replied ??= this.session.sendReply(this, {}, false);
    return this.replied;
  }

  /** Refuses or abandons the stream (RST_STREAM). */
  reset(status: number = RstStatus.cancel): void {
    this.session.sendReset(this.id, status);
    this.localDone = true;
    this.remoteDone = true;
    this.session.forget(this);
    this.destroy();
  }

  /** @internal */
  deliver(data: Buffer, fin: boolean): void {
    if (this.remoteDone) return;
    if (data.length > 0) this.push(data);
    if (fin) {
      this.remoteDone = true;
      this.push(null);
      this.maybeForget();
    }
  }

  /** @internal The peer reset the stream or the connection went away. */
  remoteReset(): void {
    this.remoteDone = true;
    this.localDone = true;
    this.session.forget(this);
    this.push(null);
    this.destroy();
  }

  override _read(): void {
    // Data is pushed as frames arrive; spdystream has no flow control to reopen.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.localDone || this.session.isClosed) return cb();
    void this.reply().then(() => {
      if (this.session.sendData(this.id, chunk, false)) cb();
      else this.session.whenDrained(() => cb());
    }, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (this.localDone || this.session.isClosed) return cb();
    void this.reply().then(() => {
      this.localDone = true;
      this.session.sendData(this.id, Buffer.alloc(0), true);
      this.maybeForget();
      cb();
    }, cb);
  }

  private maybeForget(): void {
    if (this.remoteDone && this.localDone) this.session.forget(this);
  }
}
