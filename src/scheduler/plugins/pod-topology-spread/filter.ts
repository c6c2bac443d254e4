import type { StateData } from '../../framework/cycle-state.js';
import { addCount } from '../../snapshot/pod-counter.js';
import type { Constraint } from './constraints.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

/** Matching-pod counts of one hard constraint over its eligible domains. */
export interface DomainCounts {
  /** value -> matching pods (absent = 0). */
  counts: ReadonlyMap<string, number>;
  /** The eligible domains (values); their number is compared with minDomains. */
  domains: ReadonlyMap<string, unknown>;
  /** What-if changes from preemption. */
  delta: Map<string, number>;
  /** Cached global minimum, recomputed after a delta changes. */
  min: number | undefined;
}

export class FilterState implements StateData {
  constructor(
    readonly constraints: readonly Constraint[],
    readonly perConstraint: DomainCounts[],
  ) {}

  clone(): FilterState {
    return new FilterState(
      this.constraints,
      this.perConstraint.map((d) => ({ ...d, delta: new Map(d.delta) })),
    );
  }

  count(i: number, value: string): number {
    const d = this.perConstraint[i]!;
    return (d.counts.get(value) ?? 0) + (d.delta.get(value) ?? 0);
  }

  /** The smallest count among eligible domains; 0 when there are fewer domains than minDomains. */
  minMatch(i: number): number {
    const d = this.perConstraint[i]!;
    if (d.domains.size < this.constraints[i]!.minDomains) return 0;
    if (d.min === undefined) {
      let min = Infinity;
      for (const v of d.domains.keys()) {
        const n = this.count(i, v);
        if (n < min) min = n;
        if (min <= 0) break;
      }
      d.min = min === Infinity ? 0 : min;
    }
    return d.min;
  }

  bump(i: number, value: string, delta: number): void {
    const d = this.perConstraint[i]!;
    addCount(d.delta, value, delta);
    d.min = undefined;
  }
}
