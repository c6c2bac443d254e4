import { isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, EventRecorder, ResourceDescriptor } from '../../client/index.js';
import { newControllerRef } from './controller-ref.js';
import type { Pod, PodTemplate } from './types.js';

/** `<name>-` for generated names, or the bare name when the dash would make the prefix invalid. */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length > 253 ? controllerName : prefix;
}

/** A pod for a controller: the template's labels, annotations, finalizers and spec, owned by `owner`. */
export function podFromTemplate(template: PodTemplate, owner: KubeObject): Pod {
  const labels = { ...(template.metadata?.labels ?? {}) };
  if (Object.keys(labels).length === 0) throw new TypeError('unable to create pods, no labels');
  const metadata: Pod['metadata'] = {
    generateName: podNamePrefix(owner.metadata.name!),
    namespace: owner.metadata.namespace,
    labels,
    ownerReferences: [newControllerRef(owner)],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template.spec) };
}

/** Creates and deletes a controller's pods, recording the events Kubernetes records on the controller. */
export class PodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly pods: ResourceDescriptor,
    private readonly recorder: EventRecorder,
  ) {}

  async create(template: PodTemplate, owner: KubeObject): Promise<Pod> {
    try {
      const created = await this.client.create<Pod>(this.pods, podFromTemplate(template, owner));
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (e) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  async delete(pod: Pod, owner: KubeObject): Promise<void> {
    try {
      await this.client.delete(this.pods, pod.metadata.name!, { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (isNotFound(e)) throw e;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
}
