import type { ExplainRecord, PluginStatusRecord } from '../framework/explain.js';

/** What the pod looks like in the cluster now, shown above the dry run. */
export interface PodState {
  /** namespace/name */
  pod: string;
  phase: string;
  /** spec.nodeName, when placed. */
  nodeName?: string;
  nominatedNodeName?: string;
  /** The PodScheduled condition's reason and message, when it is False. */
  unschedulableReason?: string;
  unschedulableMessage?: string;
  priority?: number;
  /** Pods and nodes in the snapshot the dry run used. */
  snapshotPods: number;
}

export interface FormatOptions {
  /** Nodes listed one per row in the filter table; beyond this, nodes with the same verdicts share a row. */
  maxNodeRows?: number;
}

/** Cell text of a filter verdict. */
function verdict(s: PluginStatusRecord): string {
  switch (s.code) {
    case 'Success':
      return 'pass';
    case 'Skip':
      return '-';
    case 'Unschedulable':
      return 'FAIL';
    case 'UnschedulableAndUnresolvable':
      return 'FAIL!';
    default:
      return s.code;
  }
}

/** Left-aligned columns separated by two spaces, as kubectl prints tables. */
export function renderTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function nodeList(names: string[], max = 3): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * The text of `wharf explain pod`: the pod's state, the dry run's outcome and message, every Filter
 * plugin's verdict per node (a legend explains the cells), the reasons behind each rejection, and the
 * score table of the best nodes with each plugin's weighted share.
 */
export function formatExplanation(rec: ExplainRecord, state: PodState, opts: FormatOptions = {}): string {
  const out: string[] = [];
  const maxRows = opts.maxNodeRows ?? 50;
  out.push(`Pod:        ${state.pod}`);
  let status = state.phase || 'Pending';
  if (state.nodeName) status += ` on node ${state.nodeName}`;
  else if (state.unschedulableReason) status += ` (PodScheduled=False, ${state.unschedulableReason})`;
  out.push(`Status:     ${status}`);
  if (state.nominatedNodeName) out.push(`Nominated:  ${state.nominatedNodeName}`);
  if (state.priority !== undefined) out.push(`Priority:   ${state.priority}`);
  out.push(`Profile:    ${rec.profile}`);
  const verb = state.nodeName ? 'Where it would go now' : 'Dry run';
  const result = rec.result === 'Scheduled' ? `fits, best node ${rec.selectedNode}` : rec.result === 'Error' ? 'error' : 'unschedulable';
  out.push(`${verb}: ${result} (${rec.numNodes} nodes, ${state.snapshotPods} pods; ${rec.feasibleNodes} feasible)`);
  if (rec.message) out.push(`Message:    ${rec.message}`);
  if (state.unschedulableMessage && state.unschedulableMessage !== rec.message) out.push(`Last attempt: ${state.unschedulableMessage}`);

  for (const p of rec.preFilter) out.push(`PreFilter:  ${p.plugin || '(framework)'} ${p.code}: ${p.reasons.join('; ')}`);

  const filters = rec.filters ?? [];
  if (filters.length > 0) {
    const plugins = filters[0]!.plugins.map((p) => p.plugin);
    out.push('', `Filter verdicts (${filters.length} nodes; pass, FAIL = unschedulable, FAIL! = unresolvable, - = skipped):`);
    const rows: string[][] = [];
    if (filters.length <= maxRows) {
      for (const f of filters) rows.push([f.node, ...f.plugins.map(verdict)]);
    } else {
      // Thousands of nodes mostly share a handful of verdict rows; one row per distinct row keeps it readable.
      const groups = new Map<string, { cells: string[]; nodes: string[] }>();
      for (const f of filters) {
        const cells = f.plugins.map(verdict);
        const key = cells.join('\u0000');
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { cells, nodes: [] }));
        g.nodes.push(f.node);
      }
      for (const g of [...groups.values()].sort((a, b) => b.nodes.length - a.nodes.length)) {
        rows.push([`${g.nodes.length} node(s): ${nodeList(g.nodes)}`, ...g.cells]);
      }
    }
    out.push(...renderTable(['NODE', ...plugins], rows));

    // Each distinct reason once, with the nodes that gave it.
    const reasons = new Map<string, string[]>();
    for (const f of filters) {
      for (const p of f.plugins) {
        if (p.code === 'Success' || p.code === 'Skip') continue;
        const key = `${p.plugin}: ${p.reasons.join('; ') || p.code}`;
        let nodes = reasons.get(key);
        if (!nodes) reasons.set(key, (nodes = []));
        nodes.push(f.node);
      }
    }
    if (reasons.size > 0) {
      out.push('', 'Rejections:');
      for (const [reason, nodes] of [...reasons].sort((a, b) => b[1].length - a[1].length)) {
        out.push(`  ${reason} (${nodes.length} node(s): ${nodeList(nodes, 5)})`);
      }
    }
  }

  if (rec.scores.length > 0) {
    const plugins = rec.scores[0]!.plugins.map((p) => p.plugin);
    out.push('', `Scores (top ${rec.scores.length} of ${rec.feasibleNodes} feasible nodes; each cell is normalized score x weight, raw score in brackets when it differs):`);
    const rows = rec.scores.map((s) => [
      s.node,
      round(s.total),
      ...s.plugins.map((p) => `${round(p.normalized)}x${p.weight}${p.raw !== p.normalized ? ` [${round(p.raw)}]` : ''}`),
    ]);
    out.push(...renderTable(['NODE', 'TOTAL', ...plugins], rows));
  }
  if (rec.victims?.length) out.push('', `Preemption victims: ${rec.victims.join(', ')}`);
  return out.join('\n') + '\n';
}
