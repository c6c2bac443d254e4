/**
 * The servicecatalog.k8s.io/v1beta1 types, field for field as the Kubernetes service catalog published them,
 * plus Wharf's additions (marked "Wharf:"). scripts/gen-openapi.js reads this file as it reads
 * kubernetes-types, so the JSDoc here is what `kubectl explain` prints: keep each field a plain type the
 * generator understands (string, number, boolean, arrays, `{ [key: string]: T }`, and the imported types).
 */
import type { ListMeta, ObjectMeta, Time } from 'kubernetes-types/meta/v1.js';
import type { RawExtension } from 'kubernetes-types/runtime.js';

/** ObjectReference names an object in a namespace (a Secret a cluster-scoped broker reads). */
export interface ObjectReference {
  /** Namespace of the referent. */
  namespace?: string;
  /** Name of the referent. */
  name?: string;
}

/** LocalObjectReference names an object in the same namespace. */
export interface LocalObjectReference {
  /** Name of the referent. */
  name?: string;
}

/** ClusterObjectReference names a cluster-scoped object. */
export interface ClusterObjectReference {
  /** Name of the referent. */
  name?: string;
}

/** SecretKeyReference names one key of a Secret in the object's namespace. */
export interface SecretKeyReference {
  /** The name of the secret in the object's namespace to select from. */
  name: string;
  /** The key of the secret to select from. Its value must be a JSON object. */
  key: string;
}

/** ParametersFromSource is a source of parameters: the JSON object stored in a Secret key. */
export interface ParametersFromSource {
  /** The Secret key to select from. The value must be a JSON object. */
  secretKeyRef?: SecretKeyReference;
}

/** UserInfo holds information about the user that last changed a resource's spec. */
export interface UserInfo {
  /** The user's name. */
  username: string;
  /** The user's UID. */
  uid: string;
  /** The user's groups. */
  groups?: string[];
  /** Additional information provided by the authenticator. */
  extra?: { [key: string]: string[] };
}

/** CatalogRestrictions selects which of a broker's services and plans get resources. */
export interface CatalogRestrictions {
  /** Predicates over classes (`name`, `spec.externalName`, `spec.externalID`), each `<property><op><value>` with `==`, `!=`, `in`, `notin`, comma-joined; all must hold. */
  serviceClass?: string[];
  /** Predicates over plans (`name`, `spec.externalName`, `spec.externalID`, `spec.free`, `spec.clusterServiceClass.name`, `spec.serviceClass.name`). */
  servicePlan?: string[];
}

/** BasicAuthConfig provides config for basic authentication from a Secret in the broker's namespace. */
export interface BasicAuthConfig {
  /** The Secret holding `username` and `password`. */
  secretRef?: LocalObjectReference;
}

/** BearerTokenAuthConfig provides config for bearer token authentication from a Secret in the broker's namespace. */
export interface BearerTokenAuthConfig {
  /** The Secret holding `token`. */
  secretRef?: LocalObjectReference;
}

/** ClusterBasicAuthConfig provides config for basic authentication from a Secret in any namespace. */
export interface ClusterBasicAuthConfig {
  /** The Secret holding `username` and `password`. */
  secretRef?: ObjectReference;
}

/** ClusterBearerTokenAuthConfig provides config for bearer token authentication from a Secret in any namespace. */
export interface ClusterBearerTokenAuthConfig {
  /** The Secret holding `token`. */
  secretRef?: ObjectReference;
}

/** ServiceBrokerAuthInfo is the one authentication method a namespaced broker uses. */
export interface ServiceBrokerAuthInfo {
  /** Basic authentication. */
  basic?: BasicAuthConfig;
  /** A bearer token; the Secret's `token` holds the value without the `Bearer` scheme. */
  bearer?: BearerTokenAuthConfig;
}

/** ClusterServiceBrokerAuthInfo is the one authentication method a cluster-scoped broker uses. */
export interface ClusterServiceBrokerAuthInfo {
  /** Basic authentication. */
  basic?: ClusterBasicAuthConfig;
  /** A bearer token; the Secret's `token` holds the value without the `Bearer` scheme. */
  bearer?: ClusterBearerTokenAuthConfig;
}

/** ClusterServiceBrokerSpec describes a broker that offers classes to the whole cluster. */
export interface ClusterServiceBrokerSpec {
  /** URL is the address used to communicate with the broker. */
  url: string;
  /** AuthInfo contains the data the catalog uses to authenticate with the broker. */
  authInfo?: ClusterServiceBrokerAuthInfo;
  /** InsecureSkipTLSVerify disables TLS certificate verification when talking to this broker. Use caBundle instead. */
  insecureSkipTLSVerify?: boolean;
  /** CABundle is a base64-encoded PEM CA bundle used to validate the broker's serving certificate. */
  caBundle?: string;
  /** RelistBehavior is `Duration` (relist every relistDuration, the default) or `Manual` (relist only when the spec or relistRequests change). */
  relistBehavior?: string;
  /** RelistDuration is how often the catalog is fetched again under `Duration`, as a Go duration (`15m0s`, the default). */
  relistDuration?: string;
  /** RelistRequests is a strictly increasing counter a user increments to trigger a relist. */
  relistRequests?: number;
  /** CatalogRestrictions limits which services and plans become classes and plans. */
  catalogRestrictions?: CatalogRestrictions;
}

/** ServiceBrokerSpec describes a broker that offers classes to its namespace. */
export interface ServiceBrokerSpec {
  /** URL is the address used to communicate with the broker. */
  url: string;
  /** AuthInfo contains the data the catalog uses to authenticate with the broker. */
  authInfo?: ServiceBrokerAuthInfo;
  /** InsecureSkipTLSVerify disables TLS certificate verification when talking to this broker. Use caBundle instead. */
  insecureSkipTLSVerify?: boolean;
  /** CABundle is a base64-encoded PEM CA bundle used to validate the broker's serving certificate. */
  caBundle?: string;
  /** RelistBehavior is `Duration` (relist every relistDuration, the default) or `Manual` (relist only when the spec or relistRequests change). */
  relistBehavior?: string;
  /** RelistDuration is how often the catalog is fetched again under `Duration`, as a Go duration (`15m0s`, the default). */
  relistDuration?: string;
  /** RelistRequests is a strictly increasing counter a user increments to trigger a relist. */
  relistRequests?: number;
  /** CatalogRestrictions limits which services and plans become classes and plans. */
  catalogRestrictions?: CatalogRestrictions;
}

/** Condition is one aspect of a catalog object's state: `Ready`, `Failed` or `OrphanMitigation`. */
export interface Condition {
  /** Type of the condition: `Ready`, `Failed`, or (instances and bindings) `OrphanMitigation`. */
  type: string;
  /** Status of the condition: `True`, `False` or `Unknown`. */
  status: string;
  /** The last time the condition's status changed. */
  lastTransitionTime: Time;
  /** A brief machine-readable reason for the last transition. */
  reason: string;
  /** A human-readable description of the last transition. */
  message: string;
  /** Wharf: the metadata.generation the controller had seen when it set this condition. */
  observedGeneration?: number;
}

/** OperationError is the last failure the controller met, kept until the next success. */
export interface OperationError {
  /** Wharf: a machine-readable reason (`ErrorFetchingCatalog`, `ProvisionCallFailed`, ...). */
  reason: string;
  /** Wharf: what went wrong, with the broker's own description when it gave one. */
  message: string;
  /** Wharf: when it happened. */
  time: Time;
}

/** ServiceBrokerStatus is the observed state of a broker of either scope. */
export interface ServiceBrokerStatus {
  /** Conditions: `Ready` once the catalog was fetched, `Failed` on a failure retrying cannot fix. */
  conditions?: Condition[];
  /** ReconciledGeneration is the metadata.generation last processed, successfully or not. */
  reconciledGeneration?: number;
  /** Wharf: the metadata.generation of the last successful catalog fetch. */
  observedGeneration?: number;
  /** OperationStartTime is when the current operation began. */
  operationStartTime?: Time;
  /** LastCatalogRetrievalTime is when the catalog was last fetched. */
  lastCatalogRetrievalTime?: Time;
  /** LastConditionState is the reason of the most recent condition, printed as STATUS. */
  lastConditionState?: string;
  /** Wharf: the relistRequests value last honoured. */
  observedRelistRequests?: number;
  /** Wharf: the last error, until the next success. */
  lastError?: OperationError;
  /** Wharf: when the controller tries again after lastError. */
  nextRetryTime?: Time;
  /** Wharf: failed attempts in a row; the backoff grows with it. */
  retries?: number;
}

/** ClusterServiceBroker represents an entity that provides ClusterServiceClasses for use in the service catalog. */
export interface ClusterServiceBroker {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServiceBroker';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec defines the behavior of the broker. */
  spec?: ClusterServiceBrokerSpec;
  /** Status represents the current status of the broker. */
  status?: ServiceBrokerStatus;
}

/** ClusterServiceBrokerList is a list of ClusterServiceBrokers. */
export interface ClusterServiceBrokerList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of brokers. */
  items: ClusterServiceBroker[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServiceBrokerList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ServiceBroker represents an entity that provides ServiceClasses for use in the service catalog. */
export interface ServiceBroker {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceBroker';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec defines the behavior of the broker. */
  spec?: ServiceBrokerSpec;
  /** Status represents the current status of the broker. */
  status?: ServiceBrokerStatus;
}

/** ServiceBrokerList is a list of ServiceBrokers. */
export interface ServiceBrokerList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of brokers. */
  items: ServiceBroker[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceBrokerList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ClusterServiceClassSpec describes a service offered by a cluster-scoped broker. */
export interface ClusterServiceClassSpec {
  /** ClusterServiceBrokerName is the broker that offers this class. Immutable. */
  clusterServiceBrokerName: string;
  /** ExternalName is the name the broker gives the service. */
  externalName: string;
  /** ExternalID is the broker's id of the service. Immutable. */
  externalID: string;
  /** Description is a short description of the service. */
  description?: string;
  /** Bindable says whether instances can be bound; a plan may override it. */
  bindable?: boolean;
  /** BindingRetrievable says whether the broker answers GET on bindings. */
  bindingRetrievable?: boolean;
  /** PlanUpdatable says whether instances may change plans. */
  planUpdatable?: boolean;
  /** ExternalMetadata is the broker's display metadata for the service. */
  externalMetadata?: RawExtension;
  /** Tags classify the service. */
  tags?: string[];
  /** Requires lists permissions the service needs of the platform. */
  requires?: string[];
  /** DefaultProvisionParameters are merged under an instance's parameters. */
  defaultProvisionParameters?: RawExtension;
}

/** ServiceClassSpec describes a service offered by a namespaced broker. */
export interface ServiceClassSpec {
  /** ServiceBrokerName is the broker in this namespace that offers this class. Immutable. */
  serviceBrokerName: string;
  /** ExternalName is the name the broker gives the service. */
  externalName: string;
  /** ExternalID is the broker's id of the service. Immutable. */
  externalID: string;
  /** Description is a short description of the service. */
  description?: string;
  /** Bindable says whether instances can be bound; a plan may override it. */
  bindable?: boolean;
  /** BindingRetrievable says whether the broker answers GET on bindings. */
  bindingRetrievable?: boolean;
  /** PlanUpdatable says whether instances may change plans. */
  planUpdatable?: boolean;
  /** ExternalMetadata is the broker's display metadata for the service. */
  externalMetadata?: RawExtension;
  /** Tags classify the service. */
  tags?: string[];
  /** Requires lists permissions the service needs of the platform. */
  requires?: string[];
  /** DefaultProvisionParameters are merged under an instance's parameters. */
  defaultProvisionParameters?: RawExtension;
}

/** ServiceClassStatus is the observed state of a class. */
export interface ServiceClassStatus {
  /** RemovedFromBrokerCatalog says the broker no longer offers this service; existing instances keep working. */
  removedFromBrokerCatalog?: boolean;
}

/** ClusterServiceClass represents an offering in the service catalog. */
export interface ClusterServiceClass {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServiceClass';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec describes the service. */
  spec?: ClusterServiceClassSpec;
  /** Status of the class. */
  status?: ServiceClassStatus;
}

/** ClusterServiceClassList is a list of ClusterServiceClasses. */
export interface ClusterServiceClassList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of classes. */
  items: ClusterServiceClass[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServiceClassList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ServiceClass represents a namespaced offering in the service catalog. */
export interface ServiceClass {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceClass';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec describes the service. */
  spec?: ServiceClassSpec;
  /** Status of the class. */
  status?: ServiceClassStatus;
}

/** ServiceClassList is a list of ServiceClasses. */
export interface ServiceClassList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of classes. */
  items: ServiceClass[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceClassList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ClusterServicePlanSpec describes a plan of a cluster-scoped class. */
export interface ClusterServicePlanSpec {
  /** ClusterServiceBrokerName is the broker that offers this plan. */
  clusterServiceBrokerName: string;
  /** ExternalName is the name the broker gives the plan. */
  externalName: string;
  /** ExternalID is the broker's id of the plan. Immutable. */
  externalID: string;
  /** Description is a short description of the plan. */
  description?: string;
  /** Bindable, when set, overrides the class's bindable. */
  bindable?: boolean;
  /** Free says whether the plan costs nothing. */
  free?: boolean;
  /** ExternalMetadata is the broker's display metadata for the plan. */
  externalMetadata?: RawExtension;
  /** InstanceCreateParameterSchema is the JSON schema of provision parameters. */
  instanceCreateParameterSchema?: RawExtension;
  /** InstanceUpdateParameterSchema is the JSON schema of update parameters. */
  instanceUpdateParameterSchema?: RawExtension;
  /** ServiceBindingCreateParameterSchema is the JSON schema of bind parameters. */
  serviceBindingCreateParameterSchema?: RawExtension;
  /** DefaultProvisionParameters are merged under an instance's parameters. */
  defaultProvisionParameters?: RawExtension;
  /** Wharf: the broker's maximum_polling_duration for this plan, in seconds: asynchronous operations still running after it count as failed. */
  maximumPollingDuration?: number;
  /** ClusterServiceClassRef is the class this plan belongs to. */
  clusterServiceClassRef: ClusterObjectReference;
}

/** ServicePlanSpec describes a plan of a namespaced class. */
export interface ServicePlanSpec {
  /** ServiceBrokerName is the broker that offers this plan. */
  serviceBrokerName: string;
  /** ExternalName is the name the broker gives the plan. */
  externalName: string;
  /** ExternalID is the broker's id of the plan. Immutable. */
  externalID: string;
  /** Description is a short description of the plan. */
  description?: string;
  /** Bindable, when set, overrides the class's bindable. */
  bindable?: boolean;
  /** Free says whether the plan costs nothing. */
  free?: boolean;
  /** ExternalMetadata is the broker's display metadata for the plan. */
  externalMetadata?: RawExtension;
  /** InstanceCreateParameterSchema is the JSON schema of provision parameters. */
  instanceCreateParameterSchema?: RawExtension;
  /** InstanceUpdateParameterSchema is the JSON schema of update parameters. */
  instanceUpdateParameterSchema?: RawExtension;
  /** ServiceBindingCreateParameterSchema is the JSON schema of bind parameters. */
  serviceBindingCreateParameterSchema?: RawExtension;
  /** DefaultProvisionParameters are merged under an instance's parameters. */
  defaultProvisionParameters?: RawExtension;
  /** Wharf: the broker's maximum_polling_duration for this plan, in seconds: asynchronous operations still running after it count as failed. */
  maximumPollingDuration?: number;
  /** ServiceClassRef is the class this plan belongs to. */
  serviceClassRef: LocalObjectReference;
}

/** ServicePlanStatus is the observed state of a plan. */
export interface ServicePlanStatus {
  /** RemovedFromBrokerCatalog says the broker no longer offers this plan; existing instances keep working. */
  removedFromBrokerCatalog?: boolean;
}

/** ClusterServicePlan represents a tier of a ClusterServiceClass. */
export interface ClusterServicePlan {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServicePlan';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec describes the plan. */
  spec?: ClusterServicePlanSpec;
  /** Status of the plan. */
  status?: ServicePlanStatus;
}

/** ClusterServicePlanList is a list of ClusterServicePlans. */
export interface ClusterServicePlanList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of plans. */
  items: ClusterServicePlan[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ClusterServicePlanList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ServicePlan represents a tier of a ServiceClass. */
export interface ServicePlan {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServicePlan';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec describes the plan. */
  spec?: ServicePlanSpec;
  /** Status of the plan. */
  status?: ServicePlanStatus;
}

/** ServicePlanList is a list of ServicePlans. */
export interface ServicePlanList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of plans. */
  items: ServicePlan[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServicePlanList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** ServiceInstanceSpec is the desired state of an instance. The plan is named in one of three ways: the class and plan external names, their external ids, or their object names, cluster-scoped (`clusterService...`) or namespaced (`service...`). */
export interface ServiceInstanceSpec {
  /** The class's external name, as the broker reports it. Immutable. */
  clusterServiceClassExternalName?: string;
  /** The plan's external name, as the broker reports it. */
  clusterServicePlanExternalName?: string;
  /** The class's external id. Immutable. */
  clusterServiceClassExternalID?: string;
  /** The plan's external id. */
  clusterServicePlanExternalID?: string;
  /** The ClusterServiceClass object's name. Immutable. */
  clusterServiceClassName?: string;
  /** The ClusterServicePlan object's name. */
  clusterServicePlanName?: string;
  /** The namespaced class's external name. Immutable. */
  serviceClassExternalName?: string;
  /** The namespaced plan's external name. */
  servicePlanExternalName?: string;
  /** The namespaced class's external id. Immutable. */
  serviceClassExternalID?: string;
  /** The namespaced plan's external id. */
  servicePlanExternalID?: string;
  /** The ServiceClass object's name. Immutable. */
  serviceClassName?: string;
  /** The ServicePlan object's name. */
  servicePlanName?: string;
  /** The resolved ClusterServiceClass, set by the controller. */
  clusterServiceClassRef?: ClusterObjectReference;
  /** The resolved ClusterServicePlan, set by the controller. */
  clusterServicePlanRef?: ClusterObjectReference;
  /** The resolved ServiceClass, set by the controller. */
  serviceClassRef?: LocalObjectReference;
  /** The resolved ServicePlan, set by the controller. */
  servicePlanRef?: LocalObjectReference;
  /** Parameters passed to the broker. Not secret: put secrets in a Secret and use parametersFrom. */
  parameters?: RawExtension;
  /** Secrets whose keys hold JSON objects merged into the parameters; a top-level name in two sources is an error. */
  parametersFrom?: ParametersFromSource[];
  /** ExternalID is the instance id sent to the broker; generated when empty. Immutable. */
  externalID?: string;
  /** UserInfo is the user that last changed the spec, sent to the broker as the Originating-Identity. */
  userInfo?: UserInfo;
  /** UpdateRequests is a strictly increasing counter a user increments to send the parameters again. */
  updateRequests?: number;
  /** Wharf: what deleting the instance does at the broker: `Delete` (deprovision, the default) or `Orphan` (leave it there and let the object go). */
  deletionPolicy?: string;
}

/** ServiceInstancePropertiesState is the plan and parameters the broker has (or is being given). */
export interface ServiceInstancePropertiesState {
  /** The plan's external name. */
  clusterServicePlanExternalName?: string;
  /** The plan's external id. */
  clusterServicePlanExternalID?: string;
  /** The namespaced plan's external name. */
  servicePlanExternalName?: string;
  /** The namespaced plan's external id. */
  servicePlanExternalID?: string;
  /** The parameters, with values from Secrets shown as `<redacted>`. */
  parameters?: RawExtension;
  /** A checksum of the parameters sent. */
  parameterChecksum?: string;
  /** The user the request was made for. */
  userInfo?: UserInfo;
}

/** ServiceInstanceStatus is the observed state of an instance. */
export interface ServiceInstanceStatus {
  /** Conditions: `Ready`, `Failed` (retrying cannot help) and `OrphanMitigation`. */
  conditions?: Condition[];
  /** AsyncOpInProgress is true while the broker works on an asynchronous operation. */
  asyncOpInProgress?: boolean;
  /** OrphanMitigationInProgress is true while a failed provision is being cleaned up at the broker. */
  orphanMitigationInProgress?: boolean;
  /** LastOperation is the operation string the broker returned for the asynchronous operation. */
  lastOperation?: string;
  /** DashboardURL is the broker's management UI for this instance. */
  dashboardURL?: string;
  /** CurrentOperation is `Provision`, `Update` or `Deprovision` while one is under way. */
  currentOperation?: string;
  /** ReconciledGeneration is the metadata.generation last fully processed. */
  reconciledGeneration?: number;
  /** ObservedGeneration is the metadata.generation the controller last acted on. */
  observedGeneration?: number;
  /** OperationStartTime is when the current operation began. */
  operationStartTime?: Time;
  /** InProgressProperties is what the current provision or update sends. */
  inProgressProperties?: ServiceInstancePropertiesState;
  /** ExternalProperties is what the broker has. */
  externalProperties?: ServiceInstancePropertiesState;
  /** ProvisionStatus is `Provisioned` or `NotProvisioned`. */
  provisionStatus?: string;
  /** DeprovisionStatus is `NotRequired`, `Required`, `Succeeded` or `Failed`. */
  deprovisionStatus?: string;
  /** DefaultProvisionParameters are the class and plan defaults in effect. */
  defaultProvisionParameters?: RawExtension;
  /** LastConditionState is the reason of the most recent condition, printed as STATUS. */
  lastConditionState?: string;
  /** UserSpecifiedPlanName is the plan as the user named it. */
  userSpecifiedPlanName?: string;
  /** UserSpecifiedClassName is the class as the user named it (`ClusterServiceClass/<name>`). */
  userSpecifiedClassName?: string;
  /** Wharf: the updateRequests value last sent. */
  observedUpdateRequests?: number;
  /** Wharf: the last error, until the next success. */
  lastError?: OperationError;
  /** Wharf: when the controller tries or polls again. */
  nextRetryTime?: Time;
  /** Wharf: failed attempts in a row; the backoff grows with it. */
  retries?: number;
  /** Wharf: when polling the asynchronous operation gives up (the broker's maximum_polling_duration). */
  pollDeadline?: Time;
}

/** ServiceInstance represents a provisioned instance of a service class. */
export interface ServiceInstance {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceInstance';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec is the desired state of the instance. */
  spec?: ServiceInstanceSpec;
  /** Status is the observed state of the instance. */
  status?: ServiceInstanceStatus;
}

/** ServiceInstanceList is a list of ServiceInstances. */
export interface ServiceInstanceList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of instances. */
  items: ServiceInstance[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceInstanceList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}

/** RenameKeyTransform renames a credential key. */
export interface RenameKeyTransform {
  /** The key to rename. */
  from: string;
  /** Its new name. */
  to: string;
}

/** AddKeyTransform adds a key: value is base64 bytes, stringValue plain text, jsonPathExpression reads the credentials. */
export interface AddKeyTransform {
  /** The key to add. */
  key: string;
  /** A base64-encoded value. */
  value?: string;
  /** A plain-text value; wins over value. */
  stringValue?: string;
  /** A JSONPath into the credentials (`{.host}`); wins over both. */
  jsonPathExpression?: string;
}

/** AddKeysFromTransform copies every key of another Secret. */
export interface AddKeysFromTransform {
  /** The Secret to copy from. */
  secretRef?: ObjectReference;
}

/** RemoveKeyTransform drops a credential key. */
export interface RemoveKeyTransform {
  /** The key to remove. */
  key: string;
}

/** SecretTransform changes the binding's Secret; exactly one field is set. Transforms apply in order. */
export interface SecretTransform {
  /** Renames a key. */
  renameKey?: RenameKeyTransform;
  /** Adds a key. */
  addKey?: AddKeyTransform;
  /** Adds every key of another Secret. */
  addKeysFrom?: AddKeysFromTransform;
  /** Removes a key. */
  removeKey?: RemoveKeyTransform;
}

/** ServiceBindingSpec is the desired state of a binding. */
export interface ServiceBindingSpec {
  /** InstanceRef is the instance in this namespace to bind to. Immutable. */
  instanceRef: LocalObjectReference;
  /** Parameters passed to the broker. Not secret: put secrets in a Secret and use parametersFrom. */
  parameters?: RawExtension;
  /** Secrets whose keys hold JSON objects merged into the parameters. */
  parametersFrom?: ParametersFromSource[];
  /** SecretName is the Secret the credentials are written to; the binding's name by default. */
  secretName?: string;
  /** SecretTransforms change the credentials before they are written. */
  secretTransforms?: SecretTransform[];
  /** ExternalID is the binding id sent to the broker; generated when empty. Immutable. */
  externalID?: string;
  /** UserInfo is the user that last changed the spec, sent to the broker as the Originating-Identity. */
  userInfo?: UserInfo;
}

/** ServiceBindingPropertiesState is what the broker was sent for this binding. */
export interface ServiceBindingPropertiesState {
  /** The parameters, with values from Secrets shown as `<redacted>`. */
  parameters?: RawExtension;
  /** A checksum of the parameters sent. */
  parameterChecksum?: string;
  /** The user the request was made for. */
  userInfo?: UserInfo;
}

/** ServiceBindingStatus is the observed state of a binding. */
export interface ServiceBindingStatus {
  /** Conditions: `Ready`, `Failed` (retrying cannot help) and `OrphanMitigation`. */
  conditions?: Condition[];
  /** AsyncOpInProgress is true while the broker works on an asynchronous bind or unbind. */
  asyncOpInProgress?: boolean;
  /** LastOperation is the operation string the broker returned. */
  lastOperation?: string;
  /** CurrentOperation is `Bind` or `Unbind` while one is under way. */
  currentOperation?: string;
  /** ReconciledGeneration is the metadata.generation last fully processed. */
  reconciledGeneration?: number;
  /** Wharf: the metadata.generation the controller last acted on. */
  observedGeneration?: number;
  /** OperationStartTime is when the current operation began. */
  operationStartTime?: Time;
  /** InProgressProperties is what the current bind sends. */
  inProgressProperties?: ServiceBindingPropertiesState;
  /** ExternalProperties is what the broker has. */
  externalProperties?: ServiceBindingPropertiesState;
  /** OrphanMitigationInProgress is true while a failed bind is being cleaned up at the broker. */
  orphanMitigationInProgress?: boolean;
  /** UnbindStatus is `NotRequired`, `Required`, `Succeeded` or `Failed`. */
  unbindStatus?: string;
  /** LastConditionState is the reason of the most recent condition, printed as STATUS. */
  lastConditionState?: string;
  /** Wharf: the last error, until the next success. */
  lastError?: OperationError;
  /** Wharf: when the controller tries or polls again. */
  nextRetryTime?: Time;
  /** Wharf: failed attempts in a row; the backoff grows with it. */
  retries?: number;
  /** Wharf: when polling the asynchronous operation gives up. */
  pollDeadline?: Time;
}

/** ServiceBinding represents a "used by" relationship between an application and a ServiceInstance. */
export interface ServiceBinding {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceBinding';
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Spec is the desired state of the binding. */
  spec?: ServiceBindingSpec;
  /** Status is the observed state of the binding. */
  status?: ServiceBindingStatus;
}

/** ServiceBindingList is a list of ServiceBindings. */
export interface ServiceBindingList {
  /** APIVersion defines the versioned schema of this representation of an object. */
  apiVersion?: 'servicecatalog.k8s.io/v1beta1';
  /** Items is the list of bindings. */
  items: ServiceBinding[];
  /** Kind is a string value representing the REST resource this object represents. */
  kind?: 'ServiceBindingList';
  /** Standard list metadata. */
  metadata?: ListMeta;
}
