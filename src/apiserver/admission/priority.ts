import { forbidden, type KubeObject } from '../../api/index.js';
import { systemPriorityClasses, type PriorityClassObject } from '../../api/resources/scheduling/priority-class.js';
import type { AdmissionAttributes, ObjectLister } from './types.js';

interface PodSpecPriority {
  priorityClassName?: string;
  priority?: number | null;
  preemptionPolicy?: string | null;
}

/** What a pod gets when it names no class and no class is the global default. */
const noDefault = { name: '', value: 0, preemptionPolicy: 'PreemptLowerPriority' } as const;

function isPriorityClass(def: AdmissionAttributes['def']): boolean {
  return def.group === 'scheduling.k8s.io' && def.plural === 'priorityclasses';
}

function isPod(def: AdmissionAttributes['def']): boolean {
  return def.group === '' && def.plural === 'pods';
}

/**
 * The Priority admission plugin: a new pod gets `spec.priority` and `spec.preemptionPolicy` from the
 * class its `spec.priorityClassName` names (or from the global default class, which also fills the
 * name), an unknown class is refused with 403, and at most one class may be the global default.
 * The built-in system classes resolve even before the apiserver has stored them.
 */
export class PriorityAdmission {
  constructor(private readonly list?: ObjectLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.subresource) return;
    if (isPod(a.def) && (a.operation === 'CREATE' || a.operation === 'UPDATE')) await this.admitPod(a);
    else if (isPriorityClass(a.def) && (a.operation === 'CREATE' || a.operation === 'UPDATE')) await this.validateClass(a);
    else if (isPriorityClass(a.def) && a.operation === 'DELETE') this.validateClassDelete(a);
  }

  /** The built-in classes stay: pods of system components refer to them. */
  private validateClassDelete(a: AdmissionAttributes): void {
    const name = a.obj.metadata.name ?? '';
    if (systemPriorityClasses().some((c) => c.metadata.name === name)) {
      throw forbidden({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, name, 'this is a system priority class and cannot be deleted');
    }
  }

  private async classes(): Promise<PriorityClassObject[]> {
    const stored = this.list ? ((await this.list('scheduling.k8s.io', 'priorityclasses', undefined)) as PriorityClassObject[]) : [];
    const names = new Set(stored.map((c) => c.metadata.name));
    return [...stored, ...systemPriorityClasses().filter((c) => !names.has(c.metadata.name))];
  }

  /** The global default class; with several (created concurrently), the one with the smallest value, as upstream. */
  private async defaultClass(): Promise<PriorityClassObject | undefined> {
    let best: PriorityClassObject | undefined;
    for (const c of await this.classes()) {
      if (c.globalDefault === true && (!best || c.value < best.value)) best = c;
    }
    return best;
  }

  private async admitPod(a: AdmissionAttributes): Promise<void> {
    const spec = (a.obj.spec ?? {}) as PodSpecPriority;
    if (a.operation === 'UPDATE') {
      // Admission set these on create; an update that leaves them out keeps them (validation forbids changes).
      const old = (a.old?.spec ?? {}) as PodSpecPriority;
      if ((spec.priority === undefined || spec.priority === null) && typeof old.priority === 'number') spec.priority = old.priority;
      if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && old.preemptionPolicy) spec.preemptionPolicy = old.preemptionPolicy;
      return;
    }
    const resource = { group: '', resource: 'pods' };
    let value: number;
    let policy: string | undefined;
    if (!spec.priorityClassName) {
      const dflt = await this.defaultClass();
      spec.priorityClassName = dflt?.metadata.name ?? noDefault.name;
      value = dflt?.value ?? noDefault.value;
      policy = dflt ? dflt.preemptionPolicy : noDefault.preemptionPolicy;
      if (!spec.priorityClassName) delete spec.priorityClassName;
    } else {
      const pc = (await this.classes()).find((c) => c.metadata.name === spec.priorityClassName);
      if (!pc) throw forbidden(resource, a.name, `no PriorityClass with name ${spec.priorityClassName} was found`);
      value = pc.value;
      policy = pc.preemptionPolicy;
    }
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
      throw forbidden(
        resource,
        a.name,
        `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
    }
    spec.priority = value;
    if (policy) {
      if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
        throw forbidden(
          resource,
          a.name,
          `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
        );
      }
      spec.preemptionPolicy = policy;
    }
    a.obj.spec = spec as KubeObject['spec'];
  }

  private async validateClass(a: AdmissionAttributes): Promise<void> {
    if (a.obj.globalDefault !== true) return;
    const current = await this.defaultClass();
    if (!current) return;
    if (a.operation === 'CREATE' || current.metadata.name !== a.obj.metadata.name) {
      throw forbidden(
        { group: 'scheduling.k8s.io', resource: 'priorityclasses' },
        a.name,
        `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`,
      );
    }
  }
}
