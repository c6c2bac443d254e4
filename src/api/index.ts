export * from './errors.js';
export * from './object.js';
export * from './resource.js';
export * from './schema.js';
export { ResourceRegistry } from './registry.js';
export { LabelSelector, parseLabelSelector, labelSelectorFromObject, type Requirement } from './selectors/label-selector.js';
export { FieldSelector, parseFieldSelector } from './selectors/field-selector.js';
