import { controllerFor, type Manager } from '../../../client/index.js';
import type { ControllerEntry } from '../../index.js';
import { VolumeExpansion } from './volume-expansion.js';

export { VolumeExpansion, EXTERNAL_EXPANDING_MESSAGE, STORAGE_RESIZER_ANNOTATION } from './volume-expansion.js';

/** `manager.settings['volume-expansion']`. */
export interface VolumeExpansionSettings {
  /** Complete `FileSystemResizePending` in place of the node (true by default: simulated nodes have no filesystem). */
  finishNodeExpansion?: boolean;
}

/** Hands grown claims to their provisioner and completes the node step (see `VolumeExpansion`). */
export const volumeExpansionController: ControllerEntry = {
  name: 'volume-expansion',
  setup(manager: Manager): void {
    const settings = (manager.settings['volume-expansion'] ?? {}) as VolumeExpansionSettings;
    const claims = manager.resource('', 'v1', 'persistentvolumeclaims');
    const volumes = manager.resource('', 'v1', 'persistentvolumes');
    const classes = manager.resource('storage.k8s.io', 'v1', 'storageclasses');
    const reconciler = new VolumeExpansion({
      client: manager.client,
      recorder: manager.recorder('volume_expand'),
      claims,
      claimInformer: manager.informers.informerFor(claims),
      volumeInformer: manager.informers.informerFor(volumes),
      classInformer: manager.informers.informerFor(classes),
      finishNodeExpansion: settings.finishNodeExpansion,
    });
    const controller = controllerFor(manager.informers, claims)
      .named('volume-expansion')
      // A PV's capacity change (the provisioner grew it) moves its claim along.
      .watches(volumes, (pv) => {
        const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
        return ref?.name ? [`${ref.namespace ?? ''}/${ref.name}`] : [];
      })
      .watches(classes, () => [])
      .complete(reconciler, { workers: 2, logger: manager.logger });
    manager.add(controller);
  },
};
