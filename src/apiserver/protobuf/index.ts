import { badRequest } from '../../api/errors.js';
import { ProtobufDecodeError } from './decode-error.js';
import { decodeObject } from './decode-object.js';

/** The media type of Kubernetes' protobuf encoding. */
export const kubernetesProtobuf = 'application/vnd.kubernetes.protobuf';

/**
 * Turns a Kubernetes protobuf request body into the JSON object it stands for, so the rest of the
 * apiserver handles it like a JSON body. Malformed input is a 400 Status, never a crash.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  try {
    return decodeObject(body);
  } catch (e) {
    if (e instanceof ProtobufDecodeError || e instanceof RangeError) {
      throw badRequest(`error decoding from protobuf: ${e.message}`);
    }
    throw e;
  }
}
