import type { ExtensionPoint } from '../framework/interfaces.js';

/** The KubeSchedulerConfiguration shape (kubescheduler.config.k8s.io/v1), the parts Wharf reads. */
export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export type Plugins = Partial<Record<'multiPoint' | ExtensionPoint, PluginSet>>;

export interface PluginConfig {
  name: string;
  args?: unknown;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0 (or absent) means the adaptive default: 50% minus 1% per 125 nodes, at least 5%. */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
}

/** A plugin list after defaults and user settings were merged. */
export interface ResolvedPluginSet {
  enabled: PluginRef[];
  disabled: string[];
}

export interface ResolvedProfile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  plugins: Record<'multiPoint' | ExtensionPoint, ResolvedPluginSet>;
  /** Plugin name -> args as written (plugins default the missing fields). */
  pluginConfig: Map<string, unknown>;
}

export interface ResolvedConfiguration {
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: ResolvedProfile[];
}

/** A configuration that failed validation; `errors` holds one field error per problem. */
export class ConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    this.name = 'ConfigError';
  }
}
