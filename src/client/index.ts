/**
 * Wharf's client library: everything that is not the apiserver talks to the API through this
 * module. Controllers hold only reconcile logic; informers, queues, retries and leader election live here.
 */
export {
  ApiClient,
  clientVersion,
  resourcePath,
  type ApiClientOptions,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type ObjectList,
  type PatchOptions,
  type PatchType,
  type QueryValue,
  type RequestOptions,
  type WatchOptions,
  type WriteOptions,
} from './api-client.js';
export { Backoff, sleep } from './backoff.js';
export {
  Controller,
  ControllerBuilder,
  controllerFor,
  controllerOwnerKeys,
  TerminalError,
  type ControllerOptions,
  type ControllerStats,
  type MapFunc,
  type ReconcileResult,
  type Reconciler,
} from './controller.js';
export { EventRecorder, eventKey, type EventRecorderOptions, type EventType } from './event-recorder.js';
export {
  compactForCache,
  defaultLogger,
  DeletedFinalStateUnknown,
  deletedObject,
  Informer,
  listerWatcherFor,
  stripManagedFields,
  type EventHandler,
  type EventStream,
  type InformerOptions,
  type ListerWatcher,
  type Logger,
  type Selection,
} from './informer.js';
export { loadKubeconfig, parseKubeconfig, type ConnectionConfig } from './kubeconfig.js';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.js';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './rate-limiter.js';
export { apiVersionFor, describeResource, resourceFor, resourceId, type ResourceDescriptor } from './resource-descriptor.js';
export { statusErrorFromResponse, statusErrorFromStatus } from './response-error.js';
export { SharedInformerFactory, type SharedInformerFactoryOptions } from './shared-informer-factory.js';
export { namespaceIndex, objectKey, splitKey, Store, type IndexFunc } from './store.js';
export { parseWatchEvents, WatchStream, type BookmarkObject, type WatchEvent } from './watch-stream.js';
export { WorkQueue } from './work-queue.js';
export { ControllerManager, controllerManagerConnections, type ControllerManagerOptions, type Manager, type Runnable } from './manager.js';
