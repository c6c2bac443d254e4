import { isPlainObject } from '../object.js';
import { BoundedMemo } from '../bounded-memo.js';
import { arr, ensureRecord, rec, setDefault, type JsonRecord } from './json-access.js';
import { formatQuantity, parseQuantity } from './quantity.js';

/**
 * Kubernetes' core/v1 defaulters for pod specs and what they contain (containers, ports, probes,
 * volumes), applied in place. Pod-only defaults (requests from limits, enableServiceLinks) live in
 * `defaultPodOnlyFields` because pod templates do not get them.
 */

/** The tag an image reference names: `latest` when it names neither tag nor digest, '' for digest only. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const ref = hasDigest ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return ref.slice(colon + 1);
  return hasDigest ? '' : 'latest';
}

/** `Always` for `:latest` or untagged images, `IfNotPresent` otherwise, as the container defaulter picks. */
export function defaultPullPolicy(image: string): string {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** A quantity in the form the apiserver stores, rounded up to milli precision; undefined when it does not parse. */
const storedQuantity = new BoundedMemo<string | undefined>((text) => {
  const q = parseQuantity(text);
  if (!q) return undefined;
  const milli = 1_000_000n;
  const rem = q.nanos % milli;
  if (rem !== 0n) q.nanos += rem > 0n ? milli - rem : -rem;
  return formatQuantity(q);
});

/**
 * Rewrites every quantity of a resource list in canonical form, rounded up to milli precision, as the
 * apiserver stores them (`1000m` is stored as `1`, `0.5` as `500m`).
 */
export function canonicalizeResourceList(list: unknown): void {
  const r = rec(list);
  if (!r) return;
  for (const k in r) {
    const v = r[k];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const stored = storedQuantity.get(String(v));
    if (stored !== undefined) r[k] = stored;
  }
}

function defaultProbe(probe: unknown): void {
  const p = rec(probe);
  if (!p) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultHandler(h: JsonRecord): void {
  const http = rec(h.httpGet);
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultLifecycle(lifecycle: unknown): void {
  const l = rec(lifecycle);
  if (!l) return;
  for (const hook of ['postStart', 'preStop']) {
    const h = rec(l[hook]);
    if (h) defaultHandler(h);
  }
}

function defaultEnv(env: unknown): void {
  for (const e of arr(env)) {
    const fieldRef = rec(rec(rec(e)?.valueFrom)?.fieldRef);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
    const resourceFieldRef = rec(rec(rec(e)?.valueFrom)?.resourceFieldRef);
    if (resourceFieldRef && resourceFieldRef.divisor !== undefined) canonicalizeResourceList({ divisor: resourceFieldRef.divisor });
  }
}

/** SetDefaults_Container and what it contains. */
export function defaultContainer(container: unknown, hostNetwork: boolean): void {
  const c = rec(container);
  if (!c) return;
  // An image that does not parse (or is missing) has no tag, hence IfNotPresent; validation reports it.
  setDefault(c, 'imagePullPolicy', typeof c.image === 'string' && c.image ? defaultPullPolicy(c.image) : 'IfNotPresent');
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const port of arr(c.ports)) {
    const p = rec(port);
    if (!p) continue;
    setDefault(p, 'protocol', 'TCP');
    // With the host's network a container port is the host port.
    if (hostNetwork && (p.hostPort === undefined || p.hostPort === 0)) p.hostPort = p.containerPort;
  }
  const resources = rec(c.resources);
  if (resources) {
    canonicalizeResourceList(resources.limits);
    canonicalizeResourceList(resources.requests);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
  defaultEnv(c.env);
}

const defaultMode = 0o644;

/** SetDefaults_Volume and the volume sources' defaulters: no source at all means an emptyDir. */
export function defaultVolume(volume: unknown): void {
  const v = rec(volume);
  if (!v) return;
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = rec(v[key]);
    if (src) setDefault(src, 'defaultMode', defaultMode);
  }
  const hostPath = rec(v.hostPath);
  if (hostPath) setDefault(hostPath, 'type', '');
  const emptyDir = rec(v.emptyDir);
  if (emptyDir && emptyDir.sizeLimit !== undefined) canonicalizeResourceList(emptyDir);
  for (const item of arr(rec(v.downwardAPI)?.items)) {
    const fieldRef = rec(rec(item)?.fieldRef);
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  for (const source of arr(rec(v.projected)?.sources)) {
    const token = rec(rec(source)?.serviceAccountToken);
    if (token) setDefault(token, 'expirationSeconds', 3600);
    for (const item of arr(rec(rec(source)?.downwardAPI)?.items)) {
      const fieldRef = rec(rec(item)?.fieldRef);
      if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
  const iscsi = rec(v.iscsi);
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
}

/** SetDefaults_PodSpec and what it contains, for pods and pod templates alike. */
export function defaultPodSpec(spec: unknown): void {
  const s = rec(spec);
  if (!s) return;
  setDefault(s, 'dnsPolicy', 'ClusterFirst');
  setDefault(s, 'restartPolicy', 'Always');
  if (!isPlainObject(s.securityContext)) s.securityContext = {};
  setDefault(s, 'terminationGracePeriodSeconds', 30);
  setDefault(s, 'schedulerName', 'default-scheduler');
  // serviceAccount is the deprecated alias of serviceAccountName; conversion keeps them equal.
  if (typeof s.serviceAccountName === 'string' && s.serviceAccountName) s.serviceAccount = s.serviceAccountName;
  else if (typeof s.serviceAccount === 'string' && s.serviceAccount) s.serviceAccountName = s.serviceAccount;
  const hostNetwork = s.hostNetwork === true;
  for (const c of arr(s.initContainers)) defaultContainer(c, hostNetwork);
  for (const c of arr(s.containers)) defaultContainer(c, hostNetwork);
  for (const c of arr(s.ephemeralContainers)) defaultContainer(c, false);
  for (const v of arr(s.volumes)) defaultVolume(v);
  if (s.overhead !== undefined) canonicalizeResourceList(s.overhead);
}

/**
 * Defaults only a Pod gets (SetDefaults_Pod), not a template: requests copied from limits where a
 * container sets only the limit, and enableServiceLinks.
 */
export function defaultPodOnlyFields(spec: unknown): void {
  const s = rec(spec);
  if (!s) return;
  for (const list of [s.containers, s.initContainers]) {
    for (const container of arr(list)) {
      const resources = rec(rec(container)?.resources);
      const limits = rec(resources?.limits);
      if (!resources || !limits || Object.keys(limits).length === 0) continue;
      const requests = ensureRecord(resources, 'requests');
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(s, 'enableServiceLinks', true);
}
