import type { FieldError } from './errors.js';
import type { KubeObject } from './object.js';

/** A printed column of `kubectl get`, as a Table's columnDefinitions entry plus how to fill it. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 for the default view, 1 for `-o wide` only. */
  priority: number;
  cell(obj: KubeObject, now: number): string | number | boolean | null;
}

/** How `/scale` maps onto an object (autoscaling/v1 Scale). */
export interface ScaleSubresource {
  specReplicasPath: string[];
  statusReplicasPath: string[];
  /** Path to a label selector object (`spec.selector`), serialized into `status.selector`. */
  labelSelectorPath?: string[];
}

export interface Subresources {
  status?: boolean;
  scale?: ScaleSubresource;
  binding?: boolean;
  log?: boolean;
  eviction?: boolean;
  finalize?: boolean;
  /** `serviceaccounts/token`: TokenRequest. */
  token?: boolean;
  /** Accepted and answered but served by a later component (exec, attach, portforward, proxy). */
  connect?: string[];
}

/** What is being written, so a strategy can tell a create from an update and spec from status. */
export interface WriteContext {
  /** Present on updates: the object as stored. */
  old?: KubeObject;
  /** The subresource being written (`status`), or undefined for the main resource. */
  subresource?: string;
}

/**
 * The per-kind rules of writes, in the order the apiserver applies them: `prepare` (reset or carry fields
 * a writer may not change), `default`, `validate`.
 */
export interface Strategy {
  /** Fills defaults, as Kubernetes' defaulters do, before validation. */
  default?(obj: KubeObject): void;
  /** Field problems in a new object (paths like `spec.containers[0].name`). */
  validate?(obj: KubeObject): FieldError[];
  /** Field problems in an update, typically immutable fields; runs after `validate`. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * Runs before defaulting on every write. The default clears `status` on create and keeps the old
   * `status` on a main-resource update (and the old everything-but-status on a status update) for kinds
   * with a status subresource; a strategy adds kind-specific resets here.
   */
  prepare?(obj: KubeObject, ctx: WriteContext): void;
  /**
   * The grace period a delete gives the object, from the client's `gracePeriodSeconds` when it sent one; 0
   * (the default) lets it go at once unless finalizers hold it. Pods on a node wait for their node.
   */
  deletionGracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /**
   * True while an object that is marked for deletion must stay for a reason other than its
   * `metadata.finalizers` (a namespace's `spec.finalizers`, a pod its node has not yet stopped).
   */
  deletionBlocked?(obj: KubeObject): boolean;
}

/** A field selector's value for one object, or undefined when the field is absent (matched as ""). */
export type FieldGetter = (obj: KubeObject) => string | undefined;

export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Lower-case plural, the URL segment: `pods`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresources;
  /** Columns after NAME (and NAMESPACE, which the apiserver adds for cross-namespace lists). */
  printerColumns: PrinterColumn[];
  strategy: Strategy;
  /** Field selectors beyond `metadata.name` and `metadata.namespace`, which every kind supports. */
  selectableFields: Record<string, FieldGetter>;
  /** The OpenAPI definition name of the kind: `io.k8s.api.core.v1.Pod`. */
  schema: string;
  /** `metadata.generation` advances only when something outside metadata and status changes. */
  generation?: boolean;
  /** Create keeps the status the client sent (nodes report theirs on registration); others start without. */
  keepsStatusOnCreate?: boolean;
  /** The NAME cell, when it shows more than the name (the default StorageClass says so). */
  displayName?: (obj: KubeObject) => string;
  /** NAME goes last and only in `-o wide`, as Kubernetes prints events. */
  nameColumnLast?: boolean;
  /** Verbs beyond the full set (get list watch create update patch delete deletecollection), if fewer. */
  verbs?: string[];
}

export function apiVersionOf(r: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Fills the fields every definition shares so resource files state only what differs. */
export function defineResource(
  d: Pick<ResourceDefinition, 'group' | 'version' | 'kind' | 'plural' | 'namespaced' | 'schema'> &
    Partial<ResourceDefinition>,
): ResourceDefinition {
  return {
    listKind: `${d.kind}List`,
    singular: d.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: {},
    printerColumns: [],
    strategy: {},
    selectableFields: {},
    generation: true,
    ...d,
  };
}
