/** The provisioner the binder asks to make a volume for a claim (and the beta spelling older clients set). */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';
/** The node the scheduler picked for a WaitForFirstConsumer claim. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** On a PV: which provisioner made it, and so which one deletes it. */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the controller that resizes its volume. */
export const STORAGE_RESIZER_ANNOTATION = 'volume.kubernetes.io/storage-resizer';
/** On a claim: the last provisioning error, and when the next attempt is due (RFC 3339). */
export const LAST_ERROR_ANNOTATION = 'provisioner.wharf.dev/last-error';
export const NEXT_RETRY_ANNOTATION = 'provisioner.wharf.dev/next-retry';
/**
 * Held on a claim from the first provision attempt until the claim is deleted, so a backing made just
 * before the claim went away (and before its PV existed) is still removed.
 */
export const CLAIM_FINALIZER = 'provisioner.wharf.dev/claim-protection';
/** Held on a provisioned PV until its backing is removed (Delete) or left alone (Retain). */
export const PV_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';
/** The default class marker. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** The provisioner a claim names, in either spelling. */
export function requestedProvisioner(annotations: Record<string, string> | undefined): string | undefined {
  return annotations?.[STORAGE_PROVISIONER_ANNOTATION] ?? annotations?.[BETA_STORAGE_PROVISIONER_ANNOTATION];
}
