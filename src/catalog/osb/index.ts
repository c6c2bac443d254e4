/** The Open Service Broker API 2.17 client: the module's public surface. */
export { OsbClient, DEFAULT_TIMEOUT_MS } from './client.js';
export { needsOrphanMitigation, type OsbEndpoint, type OsbOutcome } from './orphan-mitigation.js';
export { encodeOriginatingIdentity, decodeOriginatingIdentity, ORIGINATING_IDENTITY_PLATFORM } from './originating-identity.js';
export { parseRetryAfter } from './retry-after.js';
export {
  findPlan,
  maximumPollingDurationMs,
  pollingExpired,
  pollUntilDone,
  type FinalOperationResult,
  type PollOptions,
} from './polling.js';
export * from './types.js';
