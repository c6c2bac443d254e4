import type { KubeObject, ResourceDefinition } from '../../api/index.js';
import type { UserInfo } from '../request-context.js';

/** What an admission step is told about a write, as Kubernetes' admission.Attributes. */
export interface AdmissionAttributes {
  def: ResourceDefinition;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The object being written; steps may change it on CREATE and UPDATE. For DELETE, the stored object. */
  obj: KubeObject;
  /** On UPDATE, the object as stored. */
  old?: KubeObject;
  subresource?: string;
  namespace?: string;
  /** The object's name, or its generateName while the store has not picked one yet. */
  name: string;
  user?: UserInfo;
}

/** What admission hands back besides accepting the write. */
export interface AdmissionResult {
  /** Texts for `Warning: 299 - "<text>"` response headers. */
  warnings: string[];
  /** Audit event annotations (`pod-security.kubernetes.io/enforce-policy`, ...). */
  auditAnnotations: Record<string, string>;
}

/**
 * The current objects of one resource, as the apiserver's watch caches hold them after every acknowledged
 * write. `namespace` undefined lists every namespace.
 */
export type ObjectLister = (group: string, plural: string, namespace: string | undefined) => KubeObject[] | Promise<KubeObject[]>;

/** A ResourceQuota's status as admission computes it. */
export interface QuotaStatus {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/** Writes a ResourceQuota's status through the API (the `status` subresource). */
export type QuotaStatusWriter = (namespace: string, name: string, status: QuotaStatus) => Promise<void>;

export function emptyResult(): AdmissionResult {
  return { warnings: [], auditAnnotations: {} };
}

/** The name admission messages use for an object: its name, its generateName before one is picked, or "Unknown". */
export function admissionName(obj: KubeObject | undefined): string {
  return obj?.metadata.name || obj?.metadata.generateName || 'Unknown';
}

/** Joins errors as Kubernetes' utilerrors.NewAggregate prints them: one alone, several in brackets. */
export function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}
