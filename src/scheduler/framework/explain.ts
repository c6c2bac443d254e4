/**
 * What one scheduling attempt decided and why, kept for `wharf explain pod`: the rejection of each node
 * that failed a filter (which plugin, which reasons), and for the best nodes each plugin's raw,
 * normalized and weighted score.
 */
export interface PluginStatusRecord {
  plugin: string;
  code: string;
  reasons: string[];
}

export interface NodeVerdict {
  node: string;
  plugin: string;
  code: string;
  reasons: string[];
}

export interface PluginScoreRecord {
  plugin: string;
  /** The plugin's Score output. */
  raw: number;
  /** After NormalizeScore (equal to raw for plugins without one). */
  normalized: number;
  weight: number;
  /** normalized × weight, the share in the total. */
  weighted: number;
}

export interface NodeScoreRecord {
  node: string;
  total: number;
  plugins: PluginScoreRecord[];
}

export interface ExplainRecord {
  /** namespace/name */
  pod: string;
  uid: string;
  profile: string;
  /** ms since the epoch. */
  time: number;
  attempt: number;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  selectedNode?: string;
  /** The FailedScheduling text for failures. */
  message?: string;
  numNodes: number;
  /** Nodes run through Filter (fewer than numNodes when percentageOfNodesToScore stopped early). */
  evaluatedNodes: number;
  feasibleNodes: number;
  /** PreFilter and PreScore plugins that rejected or skipped. */
  preFilter: PluginStatusRecord[];
  /** Nodes rejected, by the first plugin that rejected each. */
  rejected: NodeVerdict[];
  /** The best-scored nodes, highest first, at most the configured top N. */
  scores: NodeScoreRecord[];
  nominatedNodeName?: string;
  /** Pods chosen for eviction by preemption. */
  victims?: string[];
  /**
   * Dry runs only: every Filter plugin's verdict on every node (scheduling stops at a node's first
   * rejection; this keeps going, so a user sees all the reasons a node is out).
   */
  filters?: { node: string; plugins: PluginStatusRecord[] }[];
}
