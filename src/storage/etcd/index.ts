export { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { RequestTooLargeError, StorageQuotaExceededError, StorageUnavailableError } from './etcd-errors.js';
