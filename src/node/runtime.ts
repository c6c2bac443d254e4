import type { KubeObject } from '../api/index.js';

/** A container's state as the runtime sees it; the shapes of the API's ContainerState. */
export type RuntimeContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string; signal?: number; message?: string } };

export interface RuntimeContainerStatus {
  name: string;
  /** The image as resolved (`docker.io/library/nginx:latest`) and its content address. */
  image: string;
  imageID: string;
  /** `<runtime>://<id>` of the current (or last) container; empty until one was created. */
  containerID: string;
  state: RuntimeContainerState;
  lastState?: RuntimeContainerState;
  restartCount: number;
}

/** What a runtime knows of one pod: its sandbox and containers. */
export interface RuntimePodStatus {
  uid: string;
  /** The sandbox (network namespace, IP) exists. */
  sandboxReady: boolean;
  podIP?: string;
  initContainers: RuntimeContainerStatus[];
  containers: RuntimeContainerStatus[];
}

/** What the agent decides for a pod's sandbox before the runtime creates it. */
export interface PodSandboxConfig {
  podIP: string;
  hostIP: string;
}

/**
 * How a node agent runs pods, whatever runs them: the simulated runtime keeps timers; a container
 * runtime (runc) will pull images, create network namespaces and start processes. The agent decides
 * (restart policy, back-off, graceful deletion); the runtime only does, and reports every change of a
 * pod's state through `onPodChange` (as kubelet's PLEG does), after which the agent reads `podStatus`.
 */
export interface Runtime {
  /** `<name>://<version>`, reported as the node's containerRuntimeVersion. */
  readonly version: string;
  /**
   * Makes sure the pod's sandbox and containers exist and run, from scratch or by adopting what is
   * already there (after an agent restart). Idempotent; returns at once, progress comes as changes.
   */
  startPod(pod: KubeObject, sandbox: PodSandboxConfig): void;
  /** Starts an exited container of a started pod again (the agent's restart policy decided so). */
  restartContainer(pod: KubeObject, containerName: string): void;
  /**
   * Asks every container to stop, killing what still runs after `gracePeriodSeconds`; resolves when all
   * have stopped. Calling again with a shorter grace period shortens it.
   */
  stopPod(pod: KubeObject, gracePeriodSeconds: number): Promise<void>;
  /** Forgets a stopped pod: its sandbox and container records go. */
  removePod(uid: string): void;
  podStatus(uid: string): RuntimePodStatus | undefined;
  /** Subscribes to pod changes (by uid); returns the unsubscribe function. */
  onPodChange(listener: (uid: string) => void): () => void;
  /** Stops every timer or process watcher; pods are left as they are. */
  close(): void;
}
