import type { Duplex, Readable, Writable } from 'node:stream';
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
  /** What the readiness probe says, when the container has one; a running container is ready without. */
  ready?: boolean;
  /** What the startup probe says, when the container has one; a running container is started without. */
  started?: boolean;
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

/** What `Runtime.logs` reads: the current container's log, or the previous (last exited) one's. */
export interface ContainerLogRequest {
  previous: boolean;
  /** Keep the stream open and add lines as they are written, until the container stops. */
  follow: boolean;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The streams of one exec or attach, as the node API negotiated them with the client. Only what the
 * client asked for is present; with `tty` there is no stderr (a terminal merges them). The node API
 * ends `stdout` and `stderr` itself after the promise settles, so a runtime may leave them open.
 */
export interface ExecIO {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  /** Subscribes to terminal size changes (tty only; the first comes soon after the start). */
  onResize(listener: (size: TerminalSize) => void): void;
  /** Aborted when the client goes away: the runtime should stop what it started. */
  signal: AbortSignal;
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

  // The node API (`kubectl logs`, `exec`, `attach`, `port-forward`). Optional: a runtime without one
  // answers every such request with a clear "not supported" error. Errors thrown carry the message the
  // user sees (kubelet's wording where there is one).

  /**
   * A container's log as CRI log lines (`<RFC3339Nano> <stdout|stderr> <F|P> <text>\n`), oldest first.
   * The node API applies `sinceTime`, `tailLines`, `limitBytes` and `timestamps` itself.
   */
  logs?(uid: string, container: string, req: ContainerLogRequest): Promise<Readable>;
  /**
   * Runs `command` in a running container with the given streams; resolves with its exit code once it
   * exited and its output was written. Rejects when it could not be run at all.
   */
  exec?(uid: string, container: string, command: string[], io: ExecIO): Promise<number>;
  /** Connects the streams to the container's main process (as `kubectl attach`); resolves with its exit code. */
  attach?(uid: string, container: string, io: ExecIO): Promise<number>;
  /** A TCP connection to `port` on the pod's loopback, inside its network namespace. */
  portForward?(uid: string, port: number): Promise<Duplex>;
}
