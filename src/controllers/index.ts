import type { Manager } from '../client/index.js';
import { cronJobController } from './cronjob/index.js';
import { daemonSetController } from './daemonset/index.js';
import { jobController, ttlAfterFinishedController } from './job/index.js';
import { statefulSetController } from './statefulset/index.js';
import { nodeLifecycle } from './node-lifecycle/index.js';
import { serviceAccountController } from './serviceaccount/index.js';
import { podGc } from './pod-gc/index.js';
import { deploymentController } from './deployment/index.js';
import { garbageCollectorController } from './garbage-collector/index.js';
import { namespaceController } from './namespace/index.js';
import { replicaSetController } from './replicaset/index.js';
import { replicationControllerController } from './replication-controller/index.js';
import { disruptionController } from './disruption/index.js';
import { endpointsController } from './endpoints/index.js';
import { endpointSliceController } from './endpointslice/index.js';
import { persistentVolumeBinderController } from './volume/binder/index.js';
import { pvcProtectionController, pvProtectionController } from './volume/protection/index.js';
import { volumeExpansionController } from './volume/expansion/index.js';
import { localPathProvisionerController } from '../provisioner/index.js';
import { catalogBrokerController } from '../catalog/controllers/broker/index.js';
import { catalogInstanceController } from '../catalog/controllers/instance/index.js';
import { catalogBindingController } from '../catalog/controllers/binding/index.js';

/** A controller: `setup` registers its informers and workers with the manager. */
export interface ControllerEntry {
  name: string;
  /** Off unless asked for by name (`--controllers name`). */
  disabledByDefault?: boolean;
  /**
   * Its work-queue workers unless its settings say otherwise (the `--concurrent-*-syncs` flags); the one
   * place the default lives, so the flags' help shows what the controller uses.
   */
  defaultWorkers?: number;
  setup(manager: Manager): void;
}

/** Every controller Wharf runs, by name; `wharf controller-manager --controllers a,b,-c` picks from it. */
export const controllers: readonly ControllerEntry[] = [
  statefulSetController,
  daemonSetController,
  jobController,
  ttlAfterFinishedController,
  cronJobController,
  nodeLifecycle,
  serviceAccountController,
  podGc,
  deploymentController,
  replicaSetController,
  replicationControllerController,
  garbageCollectorController,
  namespaceController,
  endpointsController,
  endpointSliceController,
  disruptionController,
  persistentVolumeBinderController,
  pvcProtectionController,
  pvProtectionController,
  volumeExpansionController,
  localPathProvisionerController,
  catalogBrokerController,
  catalogInstanceController,
  catalogBindingController,
];

/** The entries `--controllers` selects: `*` (default) is every entry not disabled by default; `-x` removes one. */
export function selectControllers(spec: string[] = ['*']): ControllerEntry[] {
  const names = new Set(controllers.map((c) => c.name));
  for (const s of spec) {
    const name = s.replace(/^-/, '');
    if (s !== '*' && !names.has(name)) throw new RangeError(`unknown controller "${name}"`);
  }
  const all = spec.includes('*');
  return controllers.filter((c) => !spec.includes(`-${c.name}`) && (spec.includes(c.name) || (all && !c.disabledByDefault)));
}
