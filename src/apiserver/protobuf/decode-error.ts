/**
 * A protobuf body that cannot be turned into JSON. Thrown by the low-level decoders, which know
 * nothing of HTTP; the public entry point turns it into a 400 Status.
 */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}
