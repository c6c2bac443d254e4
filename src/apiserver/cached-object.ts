import type { KubeObject } from '../api/index.js';

/**
 * How many objects keep their parsed form. Writes read the object they change soon after it was written
 * (a pod is bound, then its status is set), so the most recently parsed ones are the ones worth keeping;
 * the rest cost only their JSON.
 */
const recentlyParsedCapacity = 256;

/**
 * One object as the watch cache holds it: its serialized JSON (with resourceVersion), which LIST and
 * WATCH write out as is, and the identity fields selections need. The parsed form is kept only while the
 * object is among the last `recentlyParsedCapacity` parsed (or handed in) in this thread, then rebuilt
 * from the JSON when asked for. A weak reference would keep it until the next full collection instead:
 * the young-generation collector treats weak references as strong, so every parsed object of a burst of
 * writes was copied into the old generation and lay there as garbage. Callers must not mutate `obj`; it
 * is shared.
 */
export class CachedObject {
  private static recent: (CachedObject | undefined)[] = new Array<CachedObject | undefined>(recentlyParsedCapacity);
  private static nextSlot = 0;

  private parsed: KubeObject | undefined;
  /** This object's place in `recent`, or -1 when its parsed form has been let go. */
  private slot = -1;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Record<string, string> | undefined;

  constructor(
    readonly key: string,
    readonly json: string,
    readonly revision: number,
    obj: KubeObject = JSON.parse(json) as KubeObject,
  ) {
    this.name = obj.metadata.name ?? '';
    this.namespace = obj.metadata.namespace;
    this.labels = obj.metadata.labels;
    this.keep(obj);
  }

  get obj(): KubeObject {
    let o = this.parsed;
    if (!o) {
      o = JSON.parse(this.json) as KubeObject;
      this.keep(o);
    }
    return o;
  }

  /** Holds `obj` as this object's parsed form, in place of the one parsed longest ago. */
  private keep(obj: KubeObject): void {
    const recent = CachedObject.recent;
    const slot = CachedObject.nextSlot;
    const evicted = recent[slot];
    if (evicted && evicted.slot === slot) {
      evicted.parsed = undefined;
      evicted.slot = -1;
    }
    recent[slot] = this;
    this.parsed = obj;
    this.slot = slot;
    CachedObject.nextSlot = (slot + 1) % recentlyParsedCapacity;
  }
}
