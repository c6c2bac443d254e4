import type { QueuedPodInfo, QueueSortPlugin } from '../framework/interfaces.js';

/** Orders the active queue by priority (higher first), then by the time pods were queued. */
export class PrioritySort implements QueueSortPlugin {
  readonly name = 'PrioritySort';

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.info.priority;
    const pb = b.info.priority;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}

export const newPrioritySort = (): PrioritySort => new PrioritySort();
