import path from 'node:path';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Manager } from '../../client/index.js';
import { DEFAULT_CLASS_ANNOTATION } from '../annotations.js';
import { ensureStorageClass } from '../ensure-storage-class.js';
import { PacedRecorder } from '../paced-recorder.js';
import { ProvisionController } from '../provision-controller.js';
import { CONFIG_MAP_NAME, CONFIG_MAP_NAMESPACE } from './node-path-map.js';
import { LOCAL_PATH_PROVISIONER, LocalPathProvisioner } from './local-path-provisioner.js';

export { LOCAL_PATH_PROVISIONER, LocalPathProvisioner, volumeDirectoryName, BACKING_PARAMETER, MODE_PARAMETER, VOLUME_TYPE_PARAMETER, FS_TYPE_PARAMETER } from './local-path-provisioner.js';
export { NodePathMap, CONFIG_MAP_NAME, CONFIG_MAP_NAMESPACE, CONFIG_KEY, DEFAULT_NODE_ENTRY } from './node-path-map.js';
export { imageBackingSupport } from './image-backing.js';

/** `manager.settings['local-path-provisioner']`. */
export interface LocalPathSettings {
  /** The cluster's data directory (`wharf up --data-dir`); `./.wharf` when not given. */
  dataDir?: string;
  workers?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Leave the default `local-path` class alone (tests that make their own). */
  noDefaultClass?: boolean;
}

/** The class made when the provisioner starts, unless one named `local-path` exists. */
export const defaultLocalPathClass: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
  provisioner: LOCAL_PATH_PROVISIONER,
  volumeBindingMode: 'WaitForFirstConsumer',
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
};

/** The built-in local provisioner as a controller entry of `wharf up` and `wharf controller-manager`. */
export const localPathProvisionerController = {
  name: 'local-path-provisioner',
  setup(manager: Manager): void {
    const settings = (manager.settings['local-path-provisioner'] ?? {}) as LocalPathSettings;
    const configMaps = manager.resource('', 'v1', 'configmaps');
    const classes = manager.resource('storage.k8s.io', 'v1', 'storageclasses');
    const config = manager.informers.informerFor(configMaps, { namespace: CONFIG_MAP_NAMESPACE, fieldSelector: `metadata.name=${CONFIG_MAP_NAME}` });
    let signal: AbortSignal | undefined;
    const provisioner = new LocalPathProvisioner({
      dataDir: path.resolve(settings.dataDir ?? '.wharf'),
      config: async () => {
        await config.waitForSync(signal);
        return config.store.getByName(CONFIG_MAP_NAMESPACE, CONFIG_MAP_NAME)?.data as Record<string, string> | undefined;
      },
    });
    const controller = new ProvisionController({
      client: manager.client,
      informers: manager.informers,
      resources: {
        claims: manager.resource('', 'v1', 'persistentvolumeclaims'),
        volumes: manager.resource('', 'v1', 'persistentvolumes'),
        classes,
        nodes: manager.resource('', 'v1', 'nodes'),
      },
      provisioner,
      recorder: new PacedRecorder(manager.recorder(LOCAL_PATH_PROVISIONER)),
      logger: manager.logger,
      // Each attempt mostly waits on the API server (a mkdir is quick), so many run at once; not too many,
      // since each holds a connection (16 did better than 32 in the storage benchmark).
      workers: settings.workers ?? 16,
      retryBaseMs: settings.retryBaseMs,
      retryMaxMs: settings.retryMaxMs,
    });
    manager.add({
      name: 'local-path-provisioner',
      start: async (s) => {
        signal = s;
        if (!settings.noDefaultClass) {
          try {
            await ensureStorageClass(manager.client, classes, defaultLocalPathClass);
          } catch (e) {
            manager.logger('local-path-provisioner: creating the default StorageClass failed', e);
          }
        }
        await controller.start(s);
      },
    });
  },
};
