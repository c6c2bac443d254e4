/**
 * Dynamic provisioning: the controller that runs a `Provisioner` for claims and PVs, the built-in
 * `wharf.dev/local-path` provisioner, and provisioners run as programs (`wharf provisioner --driver`).
 */
export * from './annotations.js';
export type { DeleteRequest, DeleteResult, ExpandRequest, ExpandResult, ProvisionedVolume, Provisioner, ProvisionRequest, ProvisionResult } from './provisioner.js';
export { ProvisionController, type ProvisionControllerOptions, type ProvisionResources } from './provision-controller.js';
export { VolumeResizer, FILE_SYSTEM_RESIZE_PENDING_MESSAGE } from './volume-resizer.js';
export { RetryGate } from './retry-gate.js';
export { PacedRecorder, type EventSink } from './paced-recorder.js';
export { ensureStorageClass } from './ensure-storage-class.js';
export { hostnameAffinity, volumeForClaim, volumeNameFor } from './volume-for-claim.js';
export * from './local-path/index.js';
export { DriverProvisioner, volumeOfAnswer, type DriverProvisionerOptions } from './driver/driver-provisioner.js';
export { runDriver, type DriverAnswer, type DriverOutcome, type RunDriverOptions } from './driver/run-driver.js';
