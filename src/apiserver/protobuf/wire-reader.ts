import { ProtobufDecodeError } from './decode-error.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const wireVarint = 0;
export const wireFixed64 = 1;
export const wireBytes = 2;
export const wireStartGroup = 3;
export const wireEndGroup = 4;
export const wireFixed32 = 5;

export interface Tag {
  field: number;
  wire: number;
}

/** The largest field number protobuf allows. */
const maxFieldNumber = 2 ** 29 - 1;

/**
 * Reads the protobuf wire format from a byte array. Varints come back as unsigned 64-bit BigInts so
 * that callers choose how to narrow them (int32 truncates, int64 keeps every bit); every read checks
 * bounds and throws ProtobufDecodeError rather than reading past the end.
 */
export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  tag(): Tag {
    const value = this.varint();
    const field = Number(value >> 3n);
    const wire = Number(value & 7n);
    if (field < 1 || field > maxFieldNumber) throw new ProtobufDecodeError(`illegal tag ${field} (wire type ${wire})`);
    return { field, wire };
  }

  varint(): bigint {
    // Seven bytes (49 bits) fit a double exactly; only longer varints pay for BigInt arithmetic.
    let low = 0;
    let high = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtobufDecodeError('unexpected EOF');
      const b = this.buf[this.pos++];
      if (i < 7) {
        low += (b & 0x7f) * 2 ** (7 * i);
        if (b < 0x80) return BigInt(low);
      } else {
        high |= BigInt(b & 0x7f) << BigInt(7 * (i - 7));
        if (b < 0x80) return BigInt.asUintN(64, BigInt(low) | (high << 49n));
      }
    }
    throw new ProtobufDecodeError('integer overflow');
  }

  /** A length-delimited field's content, as a view of the same buffer. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.buf.length - this.pos)) throw new ProtobufDecodeError('unexpected EOF');
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  /** Skips one field's value of the given wire type: how unknown fields are ignored. */
  skip(tag: Tag): void {
    switch (tag.wire) {
      case wireVarint:
        this.varint();
        return;
      case wireFixed64:
        this.advance(8);
        return;
      case wireBytes:
        this.bytes();
        return;
      case wireFixed32:
        this.advance(4);
        return;
      case wireStartGroup:
        for (;;) {
          if (this.done) throw new ProtobufDecodeError('unexpected EOF');
          const inner = this.tag();
          if (inner.wire === wireEndGroup) {
            if (inner.field !== tag.field) throw new ProtobufDecodeError(`mismatched end group for field ${tag.field}`);
            return;
          }
          this.skip(inner);
        }
      default:
        throw new ProtobufDecodeError(`illegal wireType ${tag.wire}`);
    }
  }

  private advance(n: number): void {
    if (this.buf.length - this.pos < n) throw new ProtobufDecodeError('unexpected EOF');
    this.pos += n;
  }
}
