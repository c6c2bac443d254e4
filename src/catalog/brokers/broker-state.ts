/**
 * What the example broker remembers: instances, bindings and their operations, in memory and
 * optionally in a JSON file (written whole through a rename after every change, so a restarted broker
 * continues where it stopped). Asynchronous operations advance one step per `last_operation` poll,
 * which keeps tests deterministic instead of racing a clock.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JsonObject, LastOperationState } from '../osb/types.js';

export type OperationType = 'provision' | 'update' | 'deprovision' | 'bind' | 'unbind';

export interface OperationRecord {
  id: string;
  type: OperationType;
  state: LastOperationState;
  /** Polls still answered `in progress` before the operation ends. */
  pollsLeft: number;
  description?: string;
  instanceUsable?: boolean;
  updateRepeatable?: boolean;
  /** What an update applies when it succeeds. */
  pending?: { planId?: string; parameters?: JsonObject; maintenanceVersion?: string };
}

/** `creating`/`deleting` while an async operation runs; `failed` after a failed create (an orphan until deleted). */
export type ResourceStatus = 'creating' | 'ready' | 'failed' | 'deleting';

export interface InstanceRecord {
  id: string;
  serviceId: string;
  planId: string;
  parameters?: JsonObject;
  context?: JsonObject;
  maintenanceVersion?: string;
  dashboardUrl: string;
  status: ResourceStatus;
  usable: boolean;
  operations: OperationRecord[];
  /** The originating identity's decoded value on the create, for tests to inspect. */
  createdBy?: Record<string, unknown>;
}

export interface BindingRecord {
  id: string;
  instanceId: string;
  serviceId: string;
  planId: string;
  parameters?: JsonObject;
  bindResource?: JsonObject;
  context?: JsonObject;
  predecessorBindingId?: string;
  credentials: JsonObject;
  endpoints: { host: string; ports: string[]; protocol: string }[];
  metadata?: { expires_at?: string; renew_before?: string };
  status: ResourceStatus;
  operations: OperationRecord[];
}

interface Snapshot {
  instances: InstanceRecord[];
  bindings: BindingRecord[];
  goneInstances: string[];
  goneBindings: string[];
  nextOperation: number;
}

export function bindingKey(instanceId: string, bindingId: string): string {
  return `${instanceId}/${bindingId}`;
}

export class BrokerState {
  readonly instances = new Map<string, InstanceRecord>();
  readonly bindings = new Map<string, BindingRecord>();
  /** Resources deleted by an asynchronous operation: their `last_operation` answers 410 Gone. */
  readonly goneInstances = new Set<string>();
  readonly goneBindings = new Set<string>();
  private nextOperation = 1;

  constructor(private readonly file?: string) {
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const snap = JSON.parse(text) as Snapshot;
    for (const i of snap.instances) this.instances.set(i.id, i);
    for (const b of snap.bindings) this.bindings.set(bindingKey(b.instanceId, b.id), b);
    for (const g of snap.goneInstances) this.goneInstances.add(g);
    for (const g of snap.goneBindings) this.goneBindings.add(g);
    this.nextOperation = snap.nextOperation;
  }

  newOperation(type: OperationType, async: boolean, polls: number): OperationRecord {
    const op: OperationRecord = {
      id: `${type}-${this.nextOperation++}`,
      type,
      state: async ? 'in progress' : 'succeeded',
      pollsLeft: async ? polls : 0,
    };
    return op;
  }

  bindingsOf(instanceId: string): BindingRecord[] {
    return [...this.bindings.values()].filter((b) => b.instanceId === instanceId);
  }

  save(): void {
    if (!this.file) return;
    const snap: Snapshot = {
      instances: [...this.instances.values()],
      bindings: [...this.bindings.values()],
      goneInstances: [...this.goneInstances],
      goneBindings: [...this.goneBindings],
      nextOperation: this.nextOperation,
    };
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(snap, null, 2));
    renameSync(tmp, this.file);
  }
}

/** The operation an answer refers to: the one named, or the latest. */
export function findOperation(ops: OperationRecord[], id: string | undefined): OperationRecord | undefined {
  if (id === undefined) return ops[ops.length - 1];
  return ops.find((o) => o.id === id);
}

/** The running operation, if any. */
export function runningOperation(ops: OperationRecord[]): OperationRecord | undefined {
  return ops.find((o) => o.state === 'in progress');
}
