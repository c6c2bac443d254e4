import { internalError, serviceUnavailable, StatusError } from '../api/index.js';
import { RequestTooLargeError, StorageQuotaExceededError, StorageUnavailableError } from '../storage/index.js';

/**
 * The Status for a storage failure that is not a bug: etcd unreachable is 503 (clients retry), an object
 * over etcd's request limit is 413 like an oversized body, a full etcd quota is 500 with the reason spelled
 * out. Undefined for anything else.
 */
export function storageFailureStatus(err: unknown): StatusError | undefined {
  if (err instanceof StorageUnavailableError) return serviceUnavailable(err.message);
  if (err instanceof RequestTooLargeError) {
    return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: the stored object would be ${err.bytes} bytes, over the storage limit of ${err.limit}`);
  }
  if (err instanceof StorageQuotaExceededError) return internalError(err.message);
  return undefined;
}
