/**
 * Server-side apply and managedFields tracking, as pure functions over objects: the apiserver calls
 * `serverSideApply` for apply patches and `trackUpdate` for every other write.
 */
export { serverSideApply } from './server-side-apply.js';
export type { ManagerOptions } from './server-side-apply.js';
export { trackUpdate } from './track-update.js';
export { FieldSet } from './field-set.js';
export { fieldSetFromObject } from './field-set-from-object.js';
export { decodeFieldsV1, encodeFieldsV1, FieldsV1Error } from './fields-v1.js';
export { decodeManagedFields, encodeManagedFields, ManagedFieldsError } from './managed-fields.js';
export type { ManagedFields, ManagerFields } from './managed-fields.js';
export type { FieldPath, PathElement } from './path-element.js';
export { pathString } from './path-element.js';
