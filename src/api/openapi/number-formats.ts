/**
 * Numeric formats of Kubernetes fields. kubernetes-types types every number as `number`; upstream's
 * OpenAPI says `integer` with format `int32` for almost all of them (counts, ports, seconds), `int64` for
 * the fields below (their Go type is int64) and `number`/`double` for the few floats. The generator
 * treats every number not listed here as int32.
 */

/** Definition name -> fields (or array-item fields) whose Go type is int64. */
export const int64Fields: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': ['observedGeneration'],
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus': ['observedGeneration'],
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus': ['observedGeneration'],
  'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionCondition': ['observedGeneration'],
  'io.k8s.api.apps.v1.ControllerRevision': ['revision'],
  'io.k8s.api.apps.v1.DaemonSetStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.DeploymentStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.ReplicaSetStatus': ['observedGeneration'],
  'io.k8s.api.apps.v1.StatefulSetStatus': ['observedGeneration'],
  'io.k8s.api.authentication.v1.TokenRequestSpec': ['expirationSeconds'],
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus': ['observedGeneration'],
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': ['observedGeneration'],
  'io.k8s.api.batch.v1.CronJobSpec': ['startingDeadlineSeconds'],
  'io.k8s.api.batch.v1.JobSpec': ['activeDeadlineSeconds'],
  'io.k8s.api.core.v1.ContainerImage': ['sizeBytes'],
  'io.k8s.api.core.v1.PodSecurityContext': ['runAsUser', 'runAsGroup', 'supplementalGroups', 'fsGroup'],
  'io.k8s.api.core.v1.PodSpec': ['terminationGracePeriodSeconds', 'activeDeadlineSeconds'],
  'io.k8s.api.core.v1.Probe': ['terminationGracePeriodSeconds'],
  'io.k8s.api.core.v1.ReplicationControllerStatus': ['observedGeneration'],
  'io.k8s.api.core.v1.SecurityContext': ['runAsUser', 'runAsGroup'],
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': ['expirationSeconds'],
  'io.k8s.api.core.v1.SleepAction': ['seconds'],
  'io.k8s.api.core.v1.Toleration': ['tolerationSeconds'],
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': ['observedGeneration'],
  'io.k8s.api.storage.v1.TokenRequest': ['expirationSeconds'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': ['observedGeneration'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': ['gracePeriodSeconds'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': ['remainingItemCount'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': ['generation', 'deletionGracePeriodSeconds'],
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': [
    'maxItems', 'maxLength', 'maxProperties', 'minItems', 'minLength', 'minProperties',
  ],
};

/** Definition name -> fields whose Go type is float64 (`type: number, format: double`). */
export const doubleFields: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': ['maximum', 'minimum', 'multipleOf'],
};
