import type { KubeObject } from '../../../api/index.js';
import { objectKey } from '../../../client/index.js';

function revision(obj: KubeObject): bigint {
  try {
    return BigInt(obj.metadata.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

/**
 * The objects a reconciler last wrote, so the next reconcile of a key does not act on an informer copy older
 * than its own write (which would, say, send a provision a second time while orphan mitigation is due).
 */
export class FreshObjects {
  private readonly written = new Map<string, KubeObject>();

  remember(obj: KubeObject): void {
    this.written.set(objectKey(obj), obj);
  }

  /** The newer of the informer's copy and the last one written; forgets written copies the informer has caught up with. */
  fresh(fromInformer: KubeObject): KubeObject {
    const key = objectKey(fromInformer);
    const mine = this.written.get(key);
    if (!mine) return fromInformer;
    if (mine.metadata.uid !== fromInformer.metadata.uid || revision(fromInformer) >= revision(mine)) {
      this.written.delete(key);
      return fromInformer;
    }
    return mine;
  }

  forget(key: string): void {
    this.written.delete(key);
  }
}
