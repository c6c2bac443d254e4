import { field, type FieldError } from '../errors.js';
import { arr, num, rec, str, type JsonRecord } from './json-access.js';
import { dns1123Label } from './names.js';
import { validateResourceRequirements } from './resource-requirements.js';

/** Containers of a pod spec: names, images, ports, env, mounts, probes, resources and policies. */

const portNameCharsetRe = /^[-a-z0-9]+$/;
const portNameOneLetterRe = /[a-z]/;
const envVarNameRe = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Problems with `name` as an IANA service name (port names); empty when valid. */
export function portName(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!portNameCharsetRe.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!portNameOneLetterRe.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** Problems with `port` as a port number; empty when valid. */
export function portNumber(port: unknown): string[] {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

export function envVarName(name: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRe.test(name)) {
    errs.push(
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    );
  }
  if (name === '.') errs.push("must not be '.'");
  else if (name === '..') errs.push("must not be '..'");
  else if (name.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export const portProtocols = ['SCTP', 'TCP', 'UDP'];

function validatePorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((raw, i) => {
    const p = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const name = str(p.name);
    if (name) {
      const msgs = portName(name);
      if (msgs.length) for (const m of msgs) errs.push(field.invalid(`${ip}.name`, name, m));
      else if (names.has(name)) errs.push(field.duplicate(`${ip}.name`, name));
      else names.add(name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(field.required(`${ip}.containerPort`));
    else for (const m of portNumber(p.containerPort)) errs.push(field.invalid(`${ip}.containerPort`, p.containerPort, m));
    if (p.hostPort !== undefined && p.hostPort !== 0) {
      for (const m of portNumber(p.hostPort)) errs.push(field.invalid(`${ip}.hostPort`, p.hostPort, m));
    }
    const protocol = str(p.protocol);
    if (!protocol) errs.push(field.required(`${ip}.protocol`));
    else if (!portProtocols.includes(protocol)) errs.push(field.notSupported(`${ip}.protocol`, protocol, portProtocols));
  });
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((raw, i) => {
    const e = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const name = str(e.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else for (const m of envVarName(name)) errs.push(field.invalid(`${ip}.name`, name, m));
    const from = rec(e.valueFrom);
    if (!from) return;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => from[k] !== undefined && from[k] !== null);
    const vp = `${ip}.valueFrom`;
    if (sources.length === 0) errs.push(field.invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(e.value) !== '') errs.push(field.invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (sources.length > 1) errs.push(field.invalid(vp, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const ref = rec(from[k]);
      if (ref && !str(ref.key)) errs.push(field.required(`${vp}.${k}.key`));
    }
    const fieldRef = rec(from.fieldRef);
    if (fieldRef && !str(fieldRef.fieldPath)) errs.push(field.required(`${vp}.fieldRef.fieldPath`));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumeNames: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  arr(mounts).forEach((raw, i) => {
    const m = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const name = str(m.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    if (!volumeNames.has(name)) errs.push(field.notFound(`${ip}.name`, name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(field.required(`${ip}.mountPath`));
    if (mountPaths.has(mountPath)) errs.push(field.invalid(`${ip}.mountPath`, mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    const subPath = str(m.subPath);
    if (subPath.startsWith('/')) errs.push(field.invalid(`${ip}.subPath`, subPath, 'must be a relative path'));
    if (subPath.split('/').includes('..')) errs.push(field.invalid(`${ip}.subPath`, subPath, "must not contain '..'"));
  });
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: unknown, path: string): FieldError[] {
  const p = rec(probe);
  if (!p) return [];
  const errs: FieldError[] = [];
  const handlers = probeHandlers.filter((h) => p[h] !== undefined && p[h] !== null);
  if (handlers.length === 0) errs.push(field.required(path, 'must specify a handler type'));
  for (const h of handlers.slice(1)) errs.push(field.forbidden(`${path}.${h}`, 'may not specify more than 1 handler type'));
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(p[k]);
    if (v !== undefined && v < 0) errs.push(field.invalid(`${path}.${k}`, v, 'must be greater than or equal to 0'));
  }
  const http = rec(p.httpGet);
  if (http) {
    const port = http.port;
    if (typeof port === 'number') for (const m of portNumber(port)) errs.push(field.invalid(`${path}.httpGet.port`, port, m));
    if (http.scheme !== undefined && http.scheme !== 'HTTP' && http.scheme !== 'HTTPS') {
      errs.push(field.notSupported(`${path}.httpGet.scheme`, http.scheme, ['HTTP', 'HTTPS']));
    }
  }
  return errs;
}

export type ContainerKind = 'container' | 'init' | 'ephemeral';

/** Checks every container of one list; `names` accumulates names so lists can be checked against each other. */
export function validateContainerList(
  containers: unknown,
  kind: ContainerKind,
  volumeNames: ReadonlySet<string>,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  arr(containers).forEach((raw, i) => {
    const c: JsonRecord = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const name = str(c.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else for (const m of dns1123Label(name)) errs.push(field.invalid(`${ip}.name`, name, m));
    if (name && names.has(name)) errs.push(field.duplicate(`${ip}.name`, name));
    else if (name) names.add(name);
    const image = str(c.image);
    if (!image) errs.push(field.required(`${ip}.image`));
    else if (image.trim() !== image) errs.push(field.invalid(`${ip}.image`, image, 'must not have leading or trailing whitespace'));
    errs.push(...validatePorts(c.ports, `${ip}.ports`));
    errs.push(...validateEnv(c.env, `${ip}.env`));
    errs.push(...validateVolumeMounts(c.volumeMounts, volumeNames, `${ip}.volumeMounts`));
    const pull = str(c.imagePullPolicy);
    const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
    if (!pull) errs.push(field.required(`${ip}.imagePullPolicy`));
    else if (!pullPolicies.includes(pull)) errs.push(field.notSupported(`${ip}.imagePullPolicy`, pull, pullPolicies));
    const tmp = str(c.terminationMessagePolicy);
    const tmPolicies = ['File', 'FallbackToLogsOnError'];
    if (!tmp) errs.push(field.required(`${ip}.terminationMessagePolicy`));
    else if (!tmPolicies.includes(tmp)) errs.push(field.notSupported(`${ip}.terminationMessagePolicy`, tmp, tmPolicies));
    errs.push(...validateResourceRequirements(c.resources, `${ip}.resources`));
    const sidecar = kind === 'init' && c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (kind !== 'init') errs.push(field.forbidden(`${ip}.restartPolicy`, 'may not be set for non-init containers'));
      else if (!sidecar) errs.push(field.notSupported(`${ip}.restartPolicy`, c.restartPolicy, ['Always']));
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[probe] === undefined || c[probe] === null) continue;
      if (kind === 'ephemeral') errs.push(field.forbidden(`${ip}.${probe}`, 'cannot be set for an Ephemeral Container'));
      else if (kind === 'init' && !sidecar) errs.push(field.forbidden(`${ip}.${probe}`, 'may not be set for init containers without restartPolicy=Always'));
      else errs.push(...validateProbe(c[probe], `${ip}.${probe}`));
    }
    for (const probe of ['livenessProbe', 'startupProbe']) {
      const threshold = num(rec(c[probe])?.successThreshold);
      if (threshold !== undefined && threshold !== 1 && kind !== 'ephemeral') errs.push(field.invalid(`${ip}.${probe}.successThreshold`, threshold, 'must be 1'));
    }
  });
  return errs;
}

/** Two containers may not claim the same host port (per host IP and protocol). */
export function validateHostPortConflicts(lists: { containers: unknown; path: string }[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const { containers, path } of lists) {
    arr(containers).forEach((raw, ci) => {
      arr(rec(raw)?.ports).forEach((rp, pi) => {
        const p = rec(rp) ?? {};
        const hostPort = num(p.hostPort);
        if (!hostPort) return;
        const key = `${str(p.hostIP)}/${str(p.protocol)}/${hostPort}`;
        if (seen.has(key)) errs.push(field.duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
        else seen.add(key);
      });
    });
  }
  return errs;
}
