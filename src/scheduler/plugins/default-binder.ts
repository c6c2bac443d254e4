import type { BindPlugin, Handle } from '../framework/interfaces.js';
import { errorStatus, type Status } from '../framework/status.js';
import type { PodInfo } from '../snapshot/pod-info.js';

/** Binds through the handle's bind callback (the API wiring's `pods/binding` call). */
export class DefaultBinder implements BindPlugin {
  readonly name = 'DefaultBinder';

  constructor(private readonly handle: Handle) {}

  async bind(_state: unknown, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    try {
      await this.handle.bind(pod.pod, nodeName);
      return undefined;
    } catch (e) {
      return errorStatus((e as Error).message);
    }
  }
}

export const newDefaultBinder = (_args: unknown, handle: Handle): DefaultBinder => new DefaultBinder(handle);
