/**
 * Node agents: Wharf's kubelet. `startSimulatedNodes` runs a simulated fleet in this process (`wharf up
 * --nodes N`); `runNodeCommand` is `wharf node`, joining nodes from another process or machine.
 */
export { NodeAgent, type NodeAgentOptions } from './agent.js';
export { LeaseRenewer, nodeLeaseNamespace, type LeaseRenewerOptions, type NodeLeaseRenewer } from './lease-renewer.js';
export { LeaseRenewerThread, type LeaseRenewerThreadOptions } from './lease-renewer-thread.js';
export { notEnforcedAnnotation, runNodeCommand, startNode, type NodeCommandOptions, type RunningNode, type StartNodeOptions } from './node-command.js';
export { parseNodeLabels, parseNodeTaints } from './node-flags.js';
export { NodeHost, type HostedAgent, type NodeHostOptions } from './node-host.js';
export { kubeletVersion, type NodeConfig, type NodeTaint } from './node-object.js';
export { type PodSandboxConfig, type Runtime, type RuntimeContainerState, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime.js';
export { SimulatedRuntime, simulatedRuntimeVersion, type SimulatedRuntimeOptions } from './runtimes/simulated-runtime.js';
export {
  parseGoDuration,
  simulateExitAfterAnnotation,
  simulateExitCodeAnnotation,
  simulateStartAfterAnnotation,
  simulateStopAfterAnnotation,
  simulationHints,
  type SimulationHints,
} from './simulation-hints.js';
export { startSimulatedNodes, type SimulatedNodes, type SimulatedNodesOptions } from './simulated-nodes.js';
