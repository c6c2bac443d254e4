import type { KubeObject } from '../api/index.js';

/**
 * One object as the watch cache holds it: its serialized JSON (with resourceVersion), which LIST and
 * WATCH write out as is, and the identity fields selections need. The parsed form is held only weakly:
 * it is rebuilt from the JSON when the collector has taken it, so a large cache costs its JSON, not its
 * parsed objects. Callers must not mutate `obj`; it is shared.
 */
export class CachedObject {
  private parsed: WeakRef<KubeObject>;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Record<string, string> | undefined;

  constructor(
    readonly key: string,
    readonly json: string,
    readonly revision: number,
    obj: KubeObject = JSON.parse(json) as KubeObject,
  ) {
    this.parsed = new WeakRef(obj);
    this.name = obj.metadata.name ?? '';
    this.namespace = obj.metadata.namespace;
    this.labels = obj.metadata.labels;
  }

  get obj(): KubeObject {
    let o = this.parsed.deref();
    if (!o) {
      o = JSON.parse(this.json) as KubeObject;
      this.parsed = new WeakRef(o);
    }
    return o;
  }
}
