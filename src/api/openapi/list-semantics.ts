/**
 * The list, map and patch semantics Kubernetes attaches to its schemas with `x-kubernetes-*` extensions.
 * kubernetes-types carries only field types and descriptions, so these facts of the wire format live here,
 * keyed by OpenAPI definition name and then JSON field name. They follow the `+listType`, `+listMapKey`,
 * `+mapType` markers and the `patchStrategy`/`patchMergeKey` struct tags of the Kubernetes API types, which
 * are what the published OpenAPI documents are generated from. The build-time generator
 * (scripts/gen-openapi.js) merges this table into dist/openapi/definitions.json.
 */

/** The extensions of one field; property names are shortened forms of the `x-kubernetes-*` keys. */
export interface FieldSemantics {
  /** `x-kubernetes-list-type`. */
  listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys`, for `listType: 'map'`. */
  listMapKeys?: readonly string[];
  /** `x-kubernetes-map-type`. */
  mapType?: 'atomic' | 'granular';
  /** `x-kubernetes-patch-strategy`. */
  patchStrategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  /** `x-kubernetes-patch-merge-key`. */
  patchMergeKey?: string;
}

/** Definition name -> field -> semantics. */
export const listSemantics: Readonly<Record<string, Readonly<Record<string, FieldSemantics>>>> = {
  'io.k8s.api.admissionregistration.v1.MatchResources': {
    resourceRules: { listType: 'atomic' },
    excludeResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': {
    rules: { listType: 'atomic' },
    admissionReviewVersions: { listType: 'atomic' },
    matchConditions: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': {
    webhooks: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': {
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': {
    operations: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    validations: { listType: 'atomic' },
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    variables: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': {
    rules: { listType: 'atomic' },
    admissionReviewVersions: { listType: 'atomic' },
    matchConditions: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': {
    webhooks: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.MatchResources': {
    resourceRules: { listType: 'atomic' },
    excludeResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations': {
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicySpec': {
    validations: { listType: 'atomic' },
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    variables: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.admissionregistration.v1beta1.MatchResources': {
    resourceRules: { listType: 'atomic' },
    excludeResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations': {
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicySpec': {
    validations: { listType: 'atomic' },
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    variables: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.apiserverinternal.v1alpha1.ServerStorageVersion': {
    decodableVersions: { listType: 'set' },
    servedVersions: { listType: 'set' },
  },
  'io.k8s.api.apps.v1.DaemonSetStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    strategy: { patchStrategy: 'retainKeys' },
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    volumeClaimTemplates: { listType: 'atomic' },
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.TokenReviewSpec': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.TokenReviewStatus': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.UserInfo': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.NonResourceRule': {
    verbs: { listType: 'atomic' },
    nonResourceURLs: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.ResourceRule': {
    apiGroups: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.SubjectAccessReviewSpec': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': {
    resourceRules: { listType: 'atomic' },
    nonResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': {
    policies: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': {
    metrics: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    currentMetrics: { listType: 'atomic' },
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.batch.v1.CronJobStatus': {
    active: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.JobStatus': {
    conditions: { listType: 'atomic', patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    values: { listType: 'set' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': {
    onPodConditions: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.SuccessPolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': {
    succeeded: { listType: 'set' },
    failed: { listType: 'set' },
  },
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec': {
    usages: { listType: 'atomic' },
    groups: { listType: 'atomic' },
  },
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.Capabilities': {
    add: { listType: 'atomic' },
    drop: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ComponentStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.core.v1.ConfigMapProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Container': {
    command: { listType: 'atomic' },
    args: { listType: 'atomic' },
    ports: { listType: 'map', listMapKeys: ['containerPort', 'protocol'], patchStrategy: 'merge', patchMergeKey: 'containerPort' },
    envFrom: { listType: 'atomic' },
    env: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    resizePolicy: { listType: 'atomic' },
    volumeMounts: { listType: 'map', listMapKeys: ['mountPath'], patchStrategy: 'merge', patchMergeKey: 'mountPath' },
    volumeDevices: { listType: 'map', listMapKeys: ['devicePath'], patchStrategy: 'merge', patchMergeKey: 'devicePath' },
  },
  'io.k8s.api.core.v1.ContainerImage': {
    names: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ContainerStatus': {
    volumeMounts: { listType: 'map', listMapKeys: ['mountPath'], patchStrategy: 'merge', patchMergeKey: 'mountPath' },
  },
  'io.k8s.api.core.v1.DownwardAPIProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.EndpointSubset': {
    addresses: { listType: 'atomic' },
    notReadyAddresses: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Endpoints': {
    subsets: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ExecAction': {
    command: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.FCVolumeSource': {
    targetWWNs: { listType: 'atomic' },
    wwids: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HTTPGetAction': {
    httpHeaders: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HostAlias': {
    hostnames: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LimitRangeSpec': {
    limits: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceSpec': {
    finalizers: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.core.v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelector': {
    nodeSelectorTerms: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorTerm': {
    matchExpressions: { listType: 'atomic' },
    matchFields: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSpec': {
    podCIDRs: { listType: 'set', patchStrategy: 'merge' },
    taints: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
    addresses: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
    images: { listType: 'atomic' },
    volumesInUse: { listType: 'atomic' },
    volumesAttached: { listType: 'atomic' },
    runtimeHandlers: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    accessModes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    accessModes: { listType: 'atomic' },
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
    allocatedResourceStatuses: { mapType: 'granular' },
  },
  'io.k8s.api.core.v1.PersistentVolumeSpec': {
    accessModes: { listType: 'atomic' },
    mountOptions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    namespaces: { listType: 'atomic' },
    matchLabelKeys: { listType: 'atomic' },
    mismatchLabelKeys: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodDNSConfig': {
    nameservers: { listType: 'atomic' },
    searches: { listType: 'atomic' },
    options: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSecurityContext': {
    supplementalGroups: { listType: 'atomic' },
    sysctls: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSpec': {
    volumes: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
    initContainers: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    containers: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    ephemeralContainers: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    nodeSelector: { mapType: 'atomic' },
    imagePullSecrets: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    tolerations: { listType: 'atomic' },
    hostAliases: { listType: 'map', listMapKeys: ['ip'], patchStrategy: 'merge', patchMergeKey: 'ip' },
    readinessGates: { listType: 'atomic' },
    topologySpreadConstraints: { listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'], patchStrategy: 'merge', patchMergeKey: 'topologyKey' },
    schedulingGates: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    resourceClaims: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  },
  'io.k8s.api.core.v1.PodStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
    hostIPs: { listType: 'atomic', patchStrategy: 'merge', patchMergeKey: 'ip' },
    podIPs: { listType: 'map', listMapKeys: ['ip'], patchStrategy: 'merge', patchMergeKey: 'ip' },
    initContainerStatuses: { listType: 'atomic' },
    containerStatuses: { listType: 'atomic' },
    ephemeralContainerStatuses: { listType: 'atomic' },
    resourceClaimStatuses: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': {
    sources: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerSpec': {
    selector: { mapType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.core.v1.ResourceQuotaSpec': {
    scopes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    claims: { listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ScopeSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceAccount': {
    secrets: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
    imagePullSecrets: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    ports: { listType: 'map', listMapKeys: ['port', 'protocol'], patchStrategy: 'merge', patchMergeKey: 'port' },
    selector: { mapType: 'atomic' },
    clusterIPs: { listType: 'atomic' },
    externalIPs: { listType: 'atomic' },
    loadBalancerSourceRanges: { listType: 'atomic' },
    ipFamilies: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySelectorTerm': {
    matchLabelExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    matchLabelKeys: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.Endpoint': {
    addresses: { listType: 'set' },
  },
  'io.k8s.api.discovery.v1.EndpointHints': {
    forZones: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.EndpointSlice': {
    endpoints: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.FlowSchemaSpec': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.FlowSchemaStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.flowcontrol.v1.NonResourcePolicyRule': {
    verbs: { listType: 'set' },
    nonResourceURLs: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects': {
    subjects: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
    nonResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.flowcontrol.v1.ResourcePolicyRule': {
    verbs: { listType: 'set' },
    apiGroups: { listType: 'set' },
    resources: { listType: 'set' },
    namespaces: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1beta3.FlowSchemaSpec': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1beta3.FlowSchemaStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.flowcontrol.v1beta3.NonResourcePolicyRule': {
    verbs: { listType: 'set' },
    nonResourceURLs: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1beta3.PolicyRulesWithSubjects': {
    subjects: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
    nonResourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1beta3.PriorityLevelConfigurationStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule': {
    verbs: { listType: 'set' },
    apiGroups: { listType: 'set' },
    resources: { listType: 'set' },
    namespaces: { listType: 'set' },
  },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': {
    paths: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IPBlock': {
    except: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressSpec': {
    tls: { listType: 'atomic' },
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressTLS': {
    hosts: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': {
    ports: { listType: 'atomic' },
    to: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': {
    ports: { listType: 'atomic' },
    from: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicySpec': {
    ingress: { listType: 'atomic' },
    egress: { listType: 'atomic' },
    policyTypes: { listType: 'atomic' },
  },
  'io.k8s.api.node.v1.Scheduling': {
    nodeSelector: { mapType: 'atomic' },
    tolerations: { listType: 'atomic' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': {
    selector: { patchStrategy: 'replace' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'], patchStrategy: 'merge', patchMergeKey: 'type' },
  },
  'io.k8s.api.rbac.v1.AggregationRule': {
    clusterRoleSelectors: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRole': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.PolicyRule': {
    verbs: { listType: 'atomic' },
    apiGroups: { listType: 'atomic' },
    resources: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
    nonResourceURLs: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.Role': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.RoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSIDriverSpec': {
    volumeLifecycleModes: { listType: 'set' },
    tokenRequests: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSINodeDriver': {
    topologyKeys: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSINodeSpec': {
    drivers: { listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' },
  },
  'io.k8s.api.storage.v1.StorageClass': {
    mountOptions: { listType: 'atomic' },
    allowedTopologies: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': {
    versions: { listType: 'atomic' },
    serverAddressByClientCIDRs: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': {
    shortNames: { listType: 'atomic' },
    categories: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': {
    resources: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': {
    versions: { listType: 'atomic' },
    serverAddressByClientCIDRs: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
    dryRun: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    ownerReferences: { listType: 'map', listMapKeys: ['uid'], patchStrategy: 'merge', patchMergeKey: 'uid' },
    finalizers: { listType: 'set', patchStrategy: 'merge' },
    managedFields: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': {
    causes: { listType: 'atomic' },
  },
};

/**
 * Structs that are replaced as a whole by apply (`+structType=atomic`); their definitions carry
 * `x-kubernetes-map-type: atomic`.
 */
export const atomicStructs: ReadonlySet<string> = new Set([
  'io.k8s.api.admissionregistration.v1.ParamKind',
  'io.k8s.api.admissionregistration.v1.Variable',
  'io.k8s.api.admissionregistration.v1.ParamRef',
  'io.k8s.api.admissionregistration.v1.MatchResources',
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations',
  'io.k8s.api.admissionregistration.v1alpha1.ParamKind',
  'io.k8s.api.admissionregistration.v1alpha1.ParamRef',
  'io.k8s.api.admissionregistration.v1alpha1.MatchResources',
  'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations',
  'io.k8s.api.admissionregistration.v1beta1.ParamKind',
  'io.k8s.api.admissionregistration.v1beta1.Variable',
  'io.k8s.api.admissionregistration.v1beta1.ParamRef',
  'io.k8s.api.admissionregistration.v1beta1.MatchResources',
  'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations',
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference',
  'io.k8s.api.core.v1.SecretReference',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ResourceFieldSelector',
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'io.k8s.api.core.v1.TopologySelectorTerm',
  'io.k8s.api.core.v1.EndpointAddress',
  'io.k8s.api.core.v1.EndpointPort',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'io.k8s.api.core.v1.ScopeSelector',
  'io.k8s.api.discovery.v1.EndpointPort',
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  'io.k8s.api.networking.v1.ServiceBackendPort',
  'io.k8s.api.rbac.v1.Subject',
  'io.k8s.api.rbac.v1.RoleRef',
]);

/** Converts one table entry to the `x-kubernetes-*` extension object merged into a schema. */
export function semanticsExtensions(s: FieldSemantics): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (s.listType) out['x-kubernetes-list-type'] = s.listType;
  if (s.listMapKeys) out['x-kubernetes-list-map-keys'] = [...s.listMapKeys];
  if (s.mapType) out['x-kubernetes-map-type'] = s.mapType;
  if (s.patchStrategy) out['x-kubernetes-patch-strategy'] = s.patchStrategy;
  if (s.patchMergeKey) out['x-kubernetes-patch-merge-key'] = s.patchMergeKey;
  return out;
}
