import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../../../src/api/errors.js';
import { defaultPodTemplateSpec, validatePodSpec, validatePodTemplateSpec } from '../../../src/api/validation/pod-spec.js';

type Rec = Record<string, any>;

function template(spec: Rec = {}): Rec {
  const tpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec } };
  defaultPodTemplateSpec(tpl);
  return tpl;
}

function only(errs: FieldError[], path: string): FieldError {
  const found = errs.filter((e) => e.field === path);
  assert.equal(found.length, 1, `expected one error at ${path}, got ${JSON.stringify(errs)}`);
  return found[0];
}

test('defaultPodTemplateSpec() fills the pod spec defaults', () => {
  const tpl = template();
  assert.equal(tpl.spec.restartPolicy, 'Always');
  assert.equal(tpl.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(tpl.spec.schedulerName, 'default-scheduler');
  assert.equal(tpl.spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(tpl.spec.securityContext, {});
  // Pod-only defaults stay off templates.
  assert.equal(tpl.spec.enableServiceLinks, undefined);
  const c = tpl.spec.containers[0];
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
});

test('validatePodTemplateSpec() accepts a valid template', () => {
  assert.deepEqual(validatePodTemplateSpec(template(), 'spec.template'), []);
});

test('validatePodTemplateSpec() reports template labels under <path>.labels', () => {
  const tpl = template();
  tpl.metadata.labels = { 'bad key!': 'x' };
  const e = only(validatePodTemplateSpec(tpl, 'spec.template'), 'spec.template.labels');
  assert.equal(e.type, 'FieldValueInvalid');
});

test('validatePodSpec() requires containers', () => {
  const tpl = template({ containers: [] });
  const e = only(validatePodSpec(tpl.spec, 'spec'), 'spec.containers');
  assert.equal(e.type, 'FieldValueRequired');
});

test('validatePodSpec() checks container names and images', () => {
  const tpl = template({ containers: [{ name: 'Web', image: 'nginx' }, { name: 'a', image: '' }, { name: 'a', image: 'x' }] });
  defaultPodTemplateSpec(tpl);
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.match(only(errs, 'spec.containers[0].name').detail, /RFC 1123 label/);
  assert.equal(only(errs, 'spec.containers[1].image').type, 'FieldValueRequired');
  const dup = only(errs, 'spec.containers[2].name');
  assert.equal(dup.type, 'FieldValueDuplicate');
  assert.equal(dup.value, 'a');
});

test('validatePodSpec() rejects an init container named like a container', () => {
  const tpl = template({ initContainers: [{ name: 'web', image: 'busybox' }] });
  assert.equal(only(validatePodSpec(tpl.spec, 'spec'), 'spec.initContainers[0].name').type, 'FieldValueDuplicate');
});

test('validatePodSpec() rejects requests above limits with the canonical quantities', () => {
  const tpl = template({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1000m' } } }] });
  const e = only(validatePodSpec(tpl.spec, 'spec'), 'spec.containers[0].resources.requests');
  assert.equal(e.value, '2');
  assert.equal(e.detail, 'must be less than or equal to cpu limit of 1');
});

test('validatePodSpec() rejects unparseable and negative quantities and unknown resources', () => {
  const tpl = template({ containers: [{ name: 'a', image: 'x', resources: { requests: { memory: '1Gb', cpu: '-1', gpu: '1' } } }] });
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.match(only(errs, 'spec.containers[0].resources.requests[memory]').detail, /quantities must match the regular expression/);
  assert.equal(only(errs, 'spec.containers[0].resources.requests[cpu]').detail, 'must be greater than or equal to 0');
  assert.equal(only(errs, 'spec.containers[0].resources.requests[gpu]').detail, 'must be a standard resource for containers');
});

test('validatePodSpec() checks container ports', () => {
  const tpl = template({
    containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 0 }, { containerPort: 70000, name: 'http' }, { containerPort: 80, name: 'http', protocol: 'HTTP' }] }],
  });
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.equal(only(errs, 'spec.containers[0].ports[0].containerPort').type, 'FieldValueRequired');
  assert.equal(only(errs, 'spec.containers[0].ports[1].containerPort').detail, 'must be between 1 and 65535, inclusive');
  assert.equal(only(errs, 'spec.containers[0].ports[2].name').type, 'FieldValueDuplicate');
  assert.equal(only(errs, 'spec.containers[0].ports[2].protocol').detail, 'supported values: "SCTP", "TCP", "UDP"');
});

test('validatePodSpec() checks restartPolicy, dnsPolicy and activeDeadlineSeconds', () => {
  const tpl = template({ restartPolicy: 'Sometimes', dnsPolicy: 'Maybe', activeDeadlineSeconds: 0 });
  const errs = validatePodSpec(tpl.spec, 'spec');
  const rp = only(errs, 'spec.restartPolicy');
  assert.equal(rp.type, 'FieldValueNotSupported');
  assert.equal(rp.detail, 'supported values: "Always", "OnFailure", "Never"');
  assert.equal(only(errs, 'spec.dnsPolicy').type, 'FieldValueNotSupported');
  assert.equal(only(errs, 'spec.activeDeadlineSeconds').detail, 'must be between 1 and 2147483647, inclusive');
});

test('validatePodSpec() validates nodeSelector labels', () => {
  const tpl = template({ nodeSelector: { 'disk/type/x': 'ssd' } });
  assert.equal(only(validatePodSpec(tpl.spec, 'spec'), 'spec.nodeSelector').type, 'FieldValueInvalid');
});

test('validatePodSpec() checks volume names and mounts', () => {
  const tpl = template({
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'cfg' }],
    containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }, { name: 'data', mountPath: '/m' }] }],
  });
  // Defaulting gives the source-less volume an emptyDir, so only the duplicate remains.
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.equal(only(errs, 'spec.volumes[1].name').type, 'FieldValueDuplicate');
  assert.equal(tpl.spec.volumes[2].emptyDir !== undefined, true);
  assert.equal(only(errs, 'spec.containers[0].volumeMounts[0].name').type, 'FieldValueNotFound');
  assert.equal(only(errs, 'spec.containers[0].volumeMounts[1].mountPath').detail, 'must be unique');
});

test('validatePodSpec() reports a volume with two sources', () => {
  const tpl = template({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] });
  const e = only(validatePodSpec(tpl.spec, 'spec'), 'spec.volumes[0].emptyDir');
  assert.equal(e.detail, 'may not specify more than 1 volume type');
});

test('validatePodSpec() validates env var names', () => {
  const tpl = template({ containers: [{ name: 'a', image: 'x', env: [{ name: '1BAD', value: 'x' }, { value: 'y' }] }] });
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.match(only(errs, 'spec.containers[0].env[0].name').detail, /valid environment variable name/);
  assert.equal(only(errs, 'spec.containers[0].env[1].name').type, 'FieldValueRequired');
});

test('validatePodSpec() validates priorityClassName and serviceAccountName as subdomains', () => {
  const tpl = template({ priorityClassName: 'High_Priority', serviceAccountName: 'Bad' });
  const errs = validatePodSpec(tpl.spec, 'spec');
  assert.equal(only(errs, 'spec.priorityClassName').type, 'FieldValueInvalid');
  assert.equal(only(errs, 'spec.serviceAccountName').type, 'FieldValueInvalid');
});

test('validatePodSpec() requires a handler on probes', () => {
  const tpl = template({ containers: [{ name: 'a', image: 'x', livenessProbe: { periodSeconds: 5 } }] });
  assert.equal(only(validatePodSpec(tpl.spec, 'spec'), 'spec.containers[0].livenessProbe').detail, 'must specify a handler type');
});

test('validatePodTemplateSpec() forbids ephemeral containers', () => {
  const tpl = template({ ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] });
  assert.equal(only(validatePodTemplateSpec(tpl, 'spec.template'), 'spec.template.spec.ephemeralContainers').type, 'FieldValueForbidden');
});
