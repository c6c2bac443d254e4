import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { spdyDictionary } from '../../../src/node/server/spdy-dictionary.js';

/** Two connected in-memory sockets: what one writes, the other reads (`end` half-closes). */
export function duplexPair(): [Duplex, Duplex] {
  let a!: Duplex;
  let b!: Duplex;
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        peer().push(chunk);
        cb();
      },
      final(cb) {
        peer().push(null);
        cb();
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

/** Collects what a stream emits; `text()` and `bytes()` read it so far; `until` waits for a condition. */
export function collect(stream: NodeJS.ReadableStream): { bytes(): Buffer; text(): string; until(check: (b: Buffer) => boolean, ms?: number): Promise<Buffer> } {
  const chunks: Buffer[] = [];
  const waiters: (() => void)[] = [];
  stream.on('data', (d: Buffer) => {
    chunks.push(Buffer.from(d));
    for (const w of waiters.splice(0)) w();
  });
  const bytes = (): Buffer => Buffer.concat(chunks);
  return {
    bytes,
    text: () => bytes().toString('utf8'),
    until(check, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; have ${bytes().toString('hex')}`)), ms);
        const test = (): void => {
          if (check(bytes())) {
            clearTimeout(timer);
            resolve(bytes());
          } else waiters.push(test);
        };
        test();
      });
    },
  };
}

/** A masked client frame (RFC 6455 section 5.2), as a browser or kubectl sends. */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const len = payload.length;
  const ext = len < 126 ? Buffer.alloc(0) : len < 65536 ? Buffer.alloc(2) : Buffer.alloc(8);
  if (ext.length === 2) ext.writeUInt16BE(len);
  if (ext.length === 8) ext.writeBigUInt64BE(BigInt(len));
  const head = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | (len < 126 ? len : len < 65536 ? 126 : 127)]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  return Buffer.concat([head, ext, mask, body]);
}

/** Parses unmasked server frames from bytes: opcode and payload of each whole frame. */
export function serverFrames(bytes: Buffer): { opcode: number; fin: boolean; payload: Buffer }[] {
  const out: { opcode: number; fin: boolean; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let len = bytes[at + 1] & 0x7f;
    let off = at + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(off));
      off += 8;
    }
    if (off + len > bytes.length) break;
    out.push({ opcode: bytes[at] & 0x0f, fin: (bytes[at] & 0x80) !== 0, payload: bytes.subarray(off, off + len) });
    at = off + len;
  }
  return out;
}

/** The client half of SPDY's header compression: one zlib stream with the dictionary, sync-flushed per block. */
export class HeaderCompressor {
  private readonly z = zlib.createDeflate({ dictionary: spdyDictionary });
  compress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.z.write(block);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out: Buffer[] = [];
        for (let c = this.z.read() as Buffer | null; c; c = this.z.read() as Buffer | null) out.push(c);
        resolve(Buffer.concat(out));
      });
    });
  }
}

export class HeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: spdyDictionary });
  decompress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.z.write(block);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out: Buffer[] = [];
        for (let c = this.z.read() as Buffer | null; c; c = this.z.read() as Buffer | null) out.push(c);
        resolve(Buffer.concat(out));
      });
    });
  }
}

/** A SPDY/3 control frame. */
export function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(body.length, 4);
  head[4] = flags;
  return Buffer.concat([head, body]);
}

/** A SPDY DATA frame. */
export function dataFrame(id: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(id, 0);
  head.writeUInt32BE(data.length, 4);
  head[4] = fin ? 1 : 0;
  return Buffer.concat([head, data]);
}

/** A SYN_STREAM a client sends: stream id, no association, priority 0, compressed headers. */
export async function synStream(compressor: HeaderCompressor, id: number, headers: Buffer, flags = 0): Promise<Buffer> {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(id, 0);
  return controlFrame(1, flags, Buffer.concat([fixed, await compressor.compress(headers)]));
}

/** Splits bytes into SPDY frames. */
export function spdyFrames(bytes: Buffer): { control: boolean; type: number; id: number; flags: number; body: Buffer }[] {
  const out: { control: boolean; type: number; id: number; flags: number; body: Buffer }[] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    const len = bytes.readUInt32BE(at + 4) & 0xffffff;
    if (at + 8 + len > bytes.length) break;
    const control = (bytes[at] & 0x80) !== 0;
    const body = bytes.subarray(at + 8, at + 8 + len);
    out.push({
      control,
      type: control ? bytes.readUInt16BE(at + 2) : 0,
      id: control ? (body.length >= 4 ? body.readUInt32BE(0) & 0x7fffffff : 0) : bytes.readUInt32BE(at) & 0x7fffffff,
      flags: bytes[at + 4],
      body,
    });
    at += 8 + len;
  }
  return out;
}
