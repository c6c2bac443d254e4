/**
 * Failures of the etcd backend that callers handle differently from a bug: the apiserver answers them with
 * their own HTTP status (503, 413, 500) instead of a generic internal error.
 */

/** etcd cannot be reached (down, no leader, timed out); the same call may succeed later. */
export class StorageUnavailableError extends Error {
  constructor(
    readonly endpoints: string,
    readonly detail: string,
  ) {
    super(`etcd is unavailable at ${endpoints}: ${detail}`);
    this.name = 'StorageUnavailableError';
  }
}

/** A write bigger than etcd accepts in one request (its --max-request-bytes, 1.5 MiB by default). */
export class RequestTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`etcd request for ${key} is too large: ${bytes} bytes, limit is ${limit}`);
    this.name = 'RequestTooLargeError';
  }
}

/** etcd's backend database reached its quota (--quota-backend-bytes): it takes no writes until compacted and defragmented. */
export class StorageQuotaExceededError extends Error {
  constructor(readonly detail: string) {
    super(`etcd storage quota exceeded (${detail}): compact and defragment etcd or raise its --quota-backend-bytes`);
    this.name = 'StorageQuotaExceededError';
  }
}

/** What an error from the etcd client means for the store. */
export type EtcdFailure =
  | { kind: 'unavailable'; detail: string }
  | { kind: 'too-large'; detail: string }
  | { kind: 'quota'; detail: string }
  | { kind: 'compacted' }
  | { kind: 'future-revision' }
  | { kind: 'other'; error: Error };

/** gRPC status codes that mean "not reached, try again", as numbers the grpc-js errors carry. */
const unavailableCodes = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** Sorts an error thrown by the etcd3 client (or grpc-js beneath it) into what the store does with it. */
export function classifyEtcdError(err: unknown): EtcdFailure {
  const error = err instanceof Error ? err : new Error(String(err));
  const message = error.message;
  if (message.includes('required revision has been compacted')) return { kind: 'compacted' };
  if (message.includes('required revision is a future revision')) return { kind: 'future-revision' };
  if (message.includes('database space exceeded')) return { kind: 'quota', detail: 'etcdserver: mvcc: database space exceeded' };
  if (message.includes('request is too large') || /larger than max/i.test(message)) return { kind: 'too-large', detail: message };
  const code = (error as { code?: unknown }).code;
  const name = error.constructor.name;
  if (
    (typeof code === 'number' && unavailableCodes.has(code)) ||
    name === 'GRPCUnavailableError' ||
    name === 'GRPCDeadlineExceededError' ||
    name === 'GRPCCancelledError' ||
    name === 'BrokenCircuitError' ||
    name === 'ClientClosedError' ||
    /etcdserver: (request timed out|leader changed|no leader|too many requests|server stopped)/.test(message) ||
    /ECONNREFUSED|ECONNRESET|No connection established|Connection dropped|deadline exceeded/i.test(message)
  ) {
    return { kind: 'unavailable', detail: shorten(message) };
  }
  return { kind: 'other', error };
}

/**
 * gRPC messages repeat their code name and wrap the cause ("No connection established. Last error: Error:
 * connect ECONNREFUSED ... Resolution note: "); keep the part a person reads, the cause when there is one.
 */
function shorten(message: string): string {
  const text = message.replace(/^\w+Error: /, '').replace(/^\d+ [A-Z_]+: /, '');
  const cause = /Last error: (?:\w*Error: )?(.*?)(?:\. Resolution note:.*)?$/s.exec(text);
  return (cause?.[1] || text).split('\n')[0].trim();
}
