import type { KubeObject } from '../../../api/index.js';
import type { ServiceBindingSpec, ServiceBindingStatus } from '../../../api/resources/servicecatalog/index.js';

/** One reconcile's view of a binding: the object, the status being built, and its generation. */
export interface BindingWork {
  b: KubeObject;
  spec: ServiceBindingSpec;
  status: ServiceBindingStatus;
  generation: number;
}
