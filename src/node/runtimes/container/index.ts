/**
 * The container runtime: real pods on this machine, each in its own network namespace on the node
 * bridge, containers run by runc from images the image store prepares. `createContainerRuntime` builds
 * one; `checkHostSupport` says whether the machine can.
 */
export { apiPodResources } from './api-pod-resources.js';
export { detectCgroupSupport, type CgroupSupport } from './cgroup-support.js';
export {
  ContainerRuntime,
  containerLogPath,
  createContainerRuntime,
  defaultPullPolicy,
  runcIdScheme,
  type ContainerRuntimeOptions,
  type ImageSource,
  type PodEventSink,
  type ProbedContainerStatus,
  type RuntimeCapabilities,
} from './container-runtime.js';
export { criLogLine, rfc3339Nano } from './container-log.js';
export { checkHostSupport, defaultRuncPath, runcVersion, type HostSupport } from './host-support.js';
export { ContainerConfigError, staticPodResources, type KeyedData, type PodResourceResolver } from './pod-resources.js';
export { SandboxManager, type PodSandbox, type SandboxManagerOptions } from './sandbox/sandbox-manager.js';
export { removeBridge } from './sandbox/node-bridge.js';
