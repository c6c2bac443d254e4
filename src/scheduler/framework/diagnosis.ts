import type { NodeInfo } from '../snapshot/node-info.js';
import type { NodeToStatus } from './interfaces.js';
import type { Status } from './status.js';

/** Filter outcomes per node: explicit statuses, and one status for nodes a PreFilter result left out. */
export class NodeStatusMap implements NodeToStatus {
  private readonly explicit = new Map<string, Status>();
  /** The status of every node without an explicit one (set when a PreFilter narrowed the nodes). */
  absent: Status | undefined;

  constructor(private readonly allNodes: readonly NodeInfo[]) {}

  set(nodeName: string, s: Status): void {
    this.explicit.set(nodeName, s);
  }

  get(nodeName: string): Status | undefined {
    return this.explicit.get(nodeName) ?? this.absent;
  }

  get explicitSize(): number {
    return this.explicit.size;
  }

  forEachExplicit(fn: (nodeName: string, s: Status) => void): void {
    for (const [n, s] of this.explicit) fn(n, s);
  }

  forEach(fn: (nodeName: string, s: Status) => void): void {
    if (!this.absent) {
      this.forEachExplicit(fn);
      return;
    }
    for (const ni of this.allNodes) {
      const s = this.explicit.get(ni.name) ?? this.absent;
      fn(ni.name, s);
    }
  }
}

/** Why a pod fit nowhere: per-node statuses plus the PreFilter and PostFilter messages. */
export interface Diagnosis {
  statuses: NodeStatusMap;
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(nodes: readonly NodeInfo[]): Diagnosis {
  return { statuses: new NodeStatusMap(nodes), unschedulablePlugins: new Set(), pendingPlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** Upstream's "no nodes" error text. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * The FailedScheduling text, built as upstream's FitError.Error(): "0/N nodes are available:", then the
 * PreFilter message, or else the histogram of filter reasons ("3 Insufficient cpu", sorted as strings),
 * then the PostFilter (preemption) message as is.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg !== '') {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    d.statuses.forEachExplicit((_, s) => {
      for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    });
    const absentCount = numAllNodes - d.statuses.explicitSize;
    if (d.statuses.absent && absentCount > 0) {
      for (const r of d.statuses.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentCount);
    }
    const parts = [...counts].map(([r, n]) => `${n} ${r}`);
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg !== '') msg += ` ${d.postFilterMsg}`;
  return msg;
}
