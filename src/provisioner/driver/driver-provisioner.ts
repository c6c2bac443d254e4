import type { PersistentVolumeSpec, VolumeNodeAffinity } from 'kubernetes-types/core/v1.js';
import type { DeleteRequest, DeleteResult, ExpandRequest, ExpandResult, ProvisionedVolume, Provisioner, ProvisionRequest, ProvisionResult } from '../provisioner.js';
import { runDriver, type DriverAnswer } from './run-driver.js';

/** The volume sources a driver may answer with (one of them). */
const volumeSources = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'cephfs', 'rbd', 'flexVolume'] as const;

export interface DriverProvisionerOptions {
  name: string;
  /** The executable. */
  driver: string;
  /** Each call is killed after this long (60 s by default). */
  timeoutMs?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The PV spec parts of a Success answer, or why they are unusable. */
export function volumeOfAnswer(answer: DriverAnswer): ProvisionedVolume | string {
  const v = answer.volume;
  if (!isRecord(v)) return 'the driver answered Success without a "volume" object';
  const present = volumeSources.filter((k) => isRecord(v[k]));
  if (present.length !== 1) return `the driver's "volume" must hold exactly one volume source (${volumeSources.join(', ')}), it holds ${present.length}`;
  const unknown = Object.keys(v).filter((k) => !(volumeSources as readonly string[]).includes(k) && k !== 'nodeAffinity' && k !== 'capacity');
  if (unknown.length > 0) return `the driver's "volume" has unknown fields: ${unknown.join(', ')}`;
  if (v.capacity !== undefined && typeof v.capacity !== 'string') return 'the driver\'s "volume.capacity" must be a quantity string such as "1Gi"';
  if (v.nodeAffinity !== undefined && !isRecord(v.nodeAffinity)) return 'the driver\'s "volume.nodeAffinity" must be an object';
  const source = { [present[0]]: v[present[0]] } as ProvisionedVolume['source'] & Partial<PersistentVolumeSpec>;
  return {
    source,
    ...(v.nodeAffinity ? { nodeAffinity: v.nodeAffinity as unknown as VolumeNodeAffinity } : {}),
    ...(typeof v.capacity === 'string' ? { capacity: v.capacity } : {}),
  };
}

/**
 * A provisioner that is a program: each call runs `DRIVER provision|delete|expand <json>` (the contract is
 * in docs/provisioners.md) and turns the answer, or its absence, into a result.
 */
export class DriverProvisioner implements Provisioner {
  readonly name: string;

  constructor(private readonly opts: DriverProvisionerOptions) {
    this.name = opts.name;
  }

  async provision(req: ProvisionRequest, signal: AbortSignal): Promise<ProvisionResult> {
    const payload = {
      name: this.name,
      pvName: req.pvName,
      claim: req.claim,
      parameters: req.parameters,
      capacity: req.capacity,
      capacityBytes: req.capacityBytes,
      selectedNode: req.selectedNodeName ?? null,
      selectedNodeLabels: req.selectedNode?.metadata?.labels ?? null,
    };
    const out = await runDriver(this.opts.driver, 'provision', payload, { timeoutMs: this.opts.timeoutMs, signal });
    if (!out.ok) return { status: 'Failure', message: out.message };
    const { answer } = out;
    if (answer.status === 'Not supported') return { status: 'NotSupported', message: answer.message ?? 'the driver cannot provision this volume here' };
    if (answer.status === 'Failure') return { status: 'Failure', message: answer.message ?? 'the driver failed without a message' };
    const volume = volumeOfAnswer(answer);
    if (typeof volume === 'string') return { status: 'Failure', message: volume };
    return { status: 'Success', volume, message: answer.message };
  }

  async delete(req: DeleteRequest, signal: AbortSignal): Promise<DeleteResult> {
    const payload = { name: this.name, pvName: req.pv.metadata?.name ?? '', pv: req.pv, parameters: req.parameters ?? null };
    const out = await runDriver(this.opts.driver, 'delete', payload, { timeoutMs: this.opts.timeoutMs, signal });
    if (!out.ok) return { status: 'Failure', message: out.message };
    if (out.answer.status === 'Success') return { status: 'Success', message: out.answer.message };
    return { status: 'Failure', message: out.answer.message ?? `the driver answered ${out.answer.status}` };
  }

  async expand(req: ExpandRequest, signal: AbortSignal): Promise<ExpandResult> {
    const payload = { name: this.name, pvName: req.pv.metadata?.name ?? '', pv: req.pv, claim: req.claim, parameters: req.parameters, capacity: req.capacity, capacityBytes: req.capacityBytes };
    const out = await runDriver(this.opts.driver, 'expand', payload, { timeoutMs: this.opts.timeoutMs, signal });
    if (!out.ok) return { status: 'Failure', message: out.message };
    const { answer } = out;
    if (answer.status === 'Not supported') return { status: 'NotSupported', message: answer.message ?? 'the driver cannot expand volumes' };
    if (answer.status === 'Failure') return { status: 'Failure', message: answer.message ?? 'the driver failed without a message' };
    const capacity = typeof answer.capacity === 'string' ? answer.capacity : req.capacity;
    return { status: 'Success', capacity, nodeExpansionRequired: answer.nodeExpansionRequired === true, message: answer.message };
  }
}
