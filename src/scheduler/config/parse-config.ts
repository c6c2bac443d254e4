import { parse as parseYaml } from 'yaml';
import { extensionPoints, type ExtensionPoint } from '../framework/interfaces.js';
import {
  DEFAULT_POD_INITIAL_BACKOFF_SECONDS,
  DEFAULT_POD_MAX_BACKOFF_SECONDS,
  DEFAULT_SCHEDULER_NAME,
  defaultMultiPoint,
} from './defaults.js';
import {
  ConfigError,
  type KubeSchedulerConfiguration,
  type KubeSchedulerProfile,
  type PluginRef,
  type PluginSet,
  type ResolvedConfiguration,
  type ResolvedPluginSet,
  type ResolvedProfile,
} from './types.js';

const API_VERSION = 'kubescheduler.config.k8s.io/v1';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a KubeSchedulerConfiguration file (YAML or JSON) and resolves it; throws ConfigError. */
export function parseSchedulerConfig(text: string): ResolvedConfiguration {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError([`could not parse the configuration: ${(e as Error).message}`]);
  }
  if (doc == null) doc = {};
  if (!isObject(doc)) throw new ConfigError(['the configuration must be an object']);
  return resolveSchedulerConfig(doc as KubeSchedulerConfiguration);
}

/**
 * Applies defaults (one default-scheduler profile; the default plugins merged with each profile's
 * enable/disable lists as upstream's mergePluginSet does) and validates, collecting every field error.
 */
export function resolveSchedulerConfig(cfg: KubeSchedulerConfiguration = {}): ResolvedConfiguration {
  const errs: string[] = [];
  if (cfg.apiVersion !== undefined && cfg.apiVersion !== API_VERSION) {
    errs.push(`apiVersion: Unsupported value: "${cfg.apiVersion}": supported values: "${API_VERSION}"`);
  }
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') {
    errs.push(`kind: Unsupported value: "${cfg.kind}": supported values: "KubeSchedulerConfiguration"`);
  }
  const pct = cfg.percentageOfNodesToScore ?? 0;
  checkPercentage(pct, 'percentageOfNodesToScore', errs);
  const initial = cfg.podInitialBackoffSeconds ?? DEFAULT_POD_INITIAL_BACKOFF_SECONDS;
  const max = cfg.podMaxBackoffSeconds ?? DEFAULT_POD_MAX_BACKOFF_SECONDS;
  if (!(initial > 0)) errs.push(`podInitialBackoffSeconds: Invalid value: ${initial}: must be greater than 0`);
  if (!(max >= initial)) errs.push(`podMaxBackoffSeconds: Invalid value: ${max}: must be greater than or equal to PodInitialBackoffSeconds`);

  const rawProfiles = cfg.profiles === undefined || cfg.profiles.length === 0 ? [{}] : cfg.profiles;
  if (!Array.isArray(rawProfiles)) errs.push('profiles: Invalid value: must be a list');
  const profiles: ResolvedProfile[] = [];
  const names = new Set<string>();
  (Array.isArray(rawProfiles) ? rawProfiles : []).forEach((p: KubeSchedulerProfile, i) => {
    const path = `profiles[${i}]`;
    if (!isObject(p as unknown)) {
      errs.push(`${path}: Invalid value: must be an object`);
      return;
    }
    const name = p.schedulerName ?? (cfg.profiles?.length ? '' : DEFAULT_SCHEDULER_NAME);
    if (name === '') errs.push(`${path}.schedulerName: Required value`);
    else if (names.has(name)) errs.push(`${path}.schedulerName: Duplicate value: "${name}"`);
    names.add(name);
    if (p.percentageOfNodesToScore !== undefined) checkPercentage(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`, errs);
    const plugins = {} as ResolvedProfile['plugins'];
    plugins.multiPoint = mergePluginSet(defaultMultiPoint, p.plugins?.multiPoint, `${path}.plugins.multiPoint`, errs);
    for (const ep of extensionPoints) plugins[ep] = mergePluginSet([], p.plugins?.[ep], `${path}.plugins.${ep}`, errs);
    for (const [ep, set] of Object.entries(plugins)) {
      set.enabled.forEach((r, j) => {
        if (r.weight !== undefined && (!Number.isInteger(r.weight) || r.weight < 0)) {
          errs.push(`${path}.plugins.${ep}.enabled[${j}].weight: Invalid value: ${r.weight}: must be a non-negative integer`);
        }
      });
    }
    const pluginConfig = new Map<string, unknown>();
    (p.pluginConfig ?? []).forEach((pc, j) => {
      if (!isObject(pc as unknown) || typeof pc.name !== 'string' || pc.name === '') {
        errs.push(`${path}.pluginConfig[${j}].name: Required value`);
        return;
      }
      if (pluginConfig.has(pc.name)) errs.push(`${path}.pluginConfig[${j}]: Duplicate value: "${pc.name}"`);
      pluginConfig.set(pc.name, pc.args);
    });
    profiles.push({ schedulerName: name, percentageOfNodesToScore: p.percentageOfNodesToScore, plugins, pluginConfig });
  });
  // All profiles share one queue, so they must sort it the same way.
  const sorts = profiles.map((p) => queueSortOf(p));
  if (sorts.some((s) => s !== sorts[0])) errs.push('profiles[1].plugins.queueSort: Invalid value: queueSort must be the same for all profiles');
  if (errs.length) throw new ConfigError(errs);
  return { percentageOfNodesToScore: pct, podInitialBackoffSeconds: initial, podMaxBackoffSeconds: max, profiles };
}

function queueSortOf(p: ResolvedProfile): string {
  const explicit = p.plugins.queueSort.enabled[0]?.name;
  if (explicit) return explicit;
  return p.plugins.multiPoint.enabled.find((r) => r.name === 'PrioritySort')?.name ?? '';
}

function checkPercentage(v: number, path: string, errs: string[]): void {
  if (!Number.isInteger(v) || v < 0 || v > 100) errs.push(`${path}: Invalid value: ${v}: not in valid range [0-100]`);
}

/** Upstream's mergePluginSet: defaults minus disabled ("*" = all), re-configured in place, custom appended. */
function mergePluginSet(defaults: readonly PluginRef[], custom: PluginSet | undefined, path: string, errs: string[]): ResolvedPluginSet {
  if (custom !== undefined && !isObject(custom as unknown)) {
    errs.push(`${path}: Invalid value: must be an object`);
    return { enabled: [...defaults], disabled: [] };
  }
  const disabled = (custom?.disabled ?? []).map((r) => r.name);
  const enabledCustom = custom?.enabled ?? [];
  enabledCustom.forEach((r, i) => {
    if (!isObject(r as unknown) || typeof r.name !== 'string' || r.name === '') errs.push(`${path}.enabled[${i}].name: Required value`);
  });
  const disabledSet = new Set(disabled);
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledSet.has('*')) {
    for (const d of defaults) {
      if (disabledSet.has(d.name)) continue;
      const i = enabledCustom.findIndex((c) => c.name === d.name);
      if (i >= 0) {
        replaced.add(i);
        enabled.push(enabledCustom[i]!);
      } else {
        enabled.push(d);
      }
    }
  }
  enabledCustom.forEach((c, i) => {
    if (!replaced.has(i)) enabled.push(c);
  });
  return { enabled, disabled };
}

export type { ExtensionPoint };
