/**
 * The outcome of a plugin call, in kube-scheduler's closed code set. Plugins return `undefined` for
 * success so the hot path allocates nothing; a Status is built only when something did not fit.
 */
export enum Code {
  Success = 0,
  /** An internal error: the cycle is aborted and the pod retried with backoff. */
  Error = 1,
  /** The pod does not fit now; preemption or other pods leaving might change that. */
  Unschedulable = 2,
  /** The pod does not fit and preemption on this node would not help. */
  UnschedulableAndUnresolvable = 3,
  /** Permit only: hold the pod until a plugin allows or rejects it. */
  Wait = 4,
  /** PreFilter/PreScore: the plugin has nothing to do for this pod; its later calls are skipped. */
  Skip = 5,
  /** The pod waits for something outside the scheduler (not a node fit problem). */
  Pending = 6,
}

export const codeNames: Record<Code, string> = {
  [Code.Success]: 'Success',
  [Code.Error]: 'Error',
  [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable',
  [Code.Wait]: 'Wait',
  [Code.Skip]: 'Skip',
  [Code.Pending]: 'Pending',
};

export class Status {
  /** The plugin that produced the status; the framework fills it in. */
  plugin = '';

  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
  ) {}

  get message(): string {
    return this.reasons.join(', ');
  }

  /** Unschedulable or UnschedulableAndUnresolvable: the node (or the pod) was rejected. */
  get rejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable || this.code === Code.Pending;
  }

  withPlugin(name: string): this {
    this.plugin = name;
    return this;
  }

  toString(): string {
    return `${codeNames[this.code]}${this.reasons.length ? `: ${this.message}` : ''}`;
  }
}

export function unschedulable(...reasons: string[]): Status {
  return new Status(Code.Unschedulable, reasons);
}

export function unresolvable(...reasons: string[]): Status {
  return new Status(Code.UnschedulableAndUnresolvable, reasons);
}

export function errorStatus(message: string): Status {
  return new Status(Code.Error, [message]);
}

export const skip = new Status(Code.Skip);

/** True for `undefined` and Success. */
export function isSuccess(s: Status | undefined): s is undefined {
  return s === undefined || s.code === Code.Success;
}

/** Permit's Wait, with how long the pod may wait before it is rejected. */
export class WaitStatus extends Status {
  constructor(readonly timeoutMs: number) {
    super(Code.Wait);
  }
}
