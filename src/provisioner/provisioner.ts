import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec, VolumeNodeAffinity } from 'kubernetes-types/core/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';

/** What a provisioner is asked to make: one volume for one claim. */
export interface ProvisionRequest {
  /** `pvc-<claim uid>`: the PV's name, and a name the backing can be derived from deterministically. */
  pvName: string;
  claim: PersistentVolumeClaim;
  /** The class's `parameters`. */
  parameters: Record<string, string>;
  /** The claim's storage request in bytes, and as written (`1Gi`). */
  capacityBytes: number;
  capacity: string;
  /** For WaitForFirstConsumer classes: the node the scheduler picked (absent for Immediate classes). */
  selectedNode?: Node;
  /** The node's name even when the Node object is not (yet) known. */
  selectedNodeName?: string;
}

/**
 * The parts of the PV spec a provisioner decides: exactly one volume source (`hostPath`, `local`,
 * `nfs`, `csi`…), node affinity for node-local storage, and the capacity actually made when it differs
 * from the request.
 */
export interface ProvisionedVolume {
  source: Partial<Pick<PersistentVolumeSpec, 'hostPath' | 'local' | 'nfs' | 'csi' | 'iscsi' | 'cephfs' | 'rbd' | 'flexVolume'>>;
  nodeAffinity?: VolumeNodeAffinity;
  capacity?: string;
}

/**
 * How a provision attempt ended. `Success` carries the volume; `Failure` is retried with backoff;
 * `NotSupported` means this placement cannot work: for WaitForFirstConsumer claims the selected node is
 * given back to the scheduler (the annotation is removed), otherwise it is a failure too.
 */
export type ProvisionResult =
  | { status: 'Success'; volume: ProvisionedVolume; message?: string }
  | { status: 'Failure'; message: string }
  | { status: 'NotSupported'; message: string };

export type DeleteResult = { status: 'Success'; message?: string } | { status: 'Failure'; message: string };

/** The answer to a resize: the new capacity, and whether the node must still grow the filesystem. */
export type ExpandResult =
  | { status: 'Success'; capacity: string; nodeExpansionRequired: boolean; message?: string }
  | { status: 'Failure'; message: string }
  | { status: 'NotSupported'; message: string };

/**
 * A PV whose backing should go. After an interrupted attempt the PV may never have been created: then
 * it has no volume source, only the name, claimRef, class and the selected-node annotation.
 */
export interface DeleteRequest {
  pv: PersistentVolume;
  /** The class's parameters, when the class still exists. */
  parameters?: Record<string, string>;
}

export interface ExpandRequest {
  pv: PersistentVolume;
  claim: PersistentVolumeClaim;
  parameters: Record<string, string>;
  capacityBytes: number;
  capacity: string;
}

/**
 * A storage back end, as the provision controller drives it. Every call must be idempotent: the
 * controller repeats a call after a crash or a failed API write, with the same PV name.
 */
export interface Provisioner {
  /** The name classes give in `provisioner` (`wharf.dev/local-path`). */
  readonly name: string;
  provision(request: ProvisionRequest, signal: AbortSignal): Promise<ProvisionResult>;
  /** Removes the backing of a PV this provisioner made; a backing already gone is success. */
  delete(request: DeleteRequest, signal: AbortSignal): Promise<DeleteResult>;
  /** Grows a volume; absent when the back end cannot. */
  expand?(request: ExpandRequest, signal: AbortSignal): Promise<ExpandResult>;
}
