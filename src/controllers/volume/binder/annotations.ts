/**
 * The annotations and names through which the PersistentVolume binder, the scheduler's VolumeBinding
 * plugin and provisioners coordinate. They are Kubernetes' own, so external tools read them unchanged.
 */

/** On a claim: the binder has finished the claim's first bind; from then on a missing volume means Lost. */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a volume or claim: the binder (or the scheduler) made the link, not the user (pre-binding). */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a volume: the provisioner that created it, and that deletes its backing under reclaim policy Delete. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner asked to create a volume for it. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
/** The older spelling of `ANN_STORAGE_PROVISIONER`, still written for provisioners that read only it. */
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim of a WaitForFirstConsumer class: the node the scheduler picked for its first pod. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** The class of a claim or volume before `storageClassName` existed; it wins over the field. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
/** A class provisioner that means "static volumes only". */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';
