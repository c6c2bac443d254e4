import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definitions, definitionsPath, definitionsEnvVar } from '../../../src/api/openapi/definitions.js';

const defs = definitions();
const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

test('definitionsPath() finds the generated file above the module', () => {
  const p = definitionsPath();
  assert.ok(p.endsWith('definitions.json'), p);
  assert.ok(existsSync(p));
});

test('definitions() has Pod, PodSpec and Container with descriptions and refs', () => {
  const pod = defs[`${core}.Pod`];
  assert.ok(pod?.description?.startsWith('Pod is a collection of containers'));
  assert.equal(pod.type, 'object');
  assert.equal(pod.properties?.['spec']?.$ref, `#/definitions/${core}.PodSpec`);
  assert.equal(pod.properties?.['metadata']?.$ref, `#/definitions/${meta}.ObjectMeta`);
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  const spec = defs[`${core}.PodSpec`];
  assert.deepEqual(spec?.required, ['containers']);
  assert.equal(spec?.properties?.['containers']?.type, 'array');
  assert.equal(spec?.properties?.['containers']?.items?.$ref, `#/definitions/${core}.Container`);
  const container = defs[`${core}.Container`];
  assert.ok(container?.properties?.['image']?.description);
  assert.equal(container?.properties?.['image']?.type, 'string');
});

test('definitions() carries the list semantics of PodSpec.containers', () => {
  const containers = defs[`${core}.PodSpec`]?.properties?.['containers'];
  assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers?.['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers?.['x-kubernetes-list-map-keys'], ['name']);
  assert.equal(defs[`${meta}.LabelSelector`]?.['x-kubernetes-map-type'], 'atomic');
});

test('definitions() encodes the special scalar types', () => {
  assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']?.type, 'string');
  const ios = defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
  assert.equal(ios?.format, 'int-or-string');
  assert.equal(ios?.['x-kubernetes-int-or-string'], true);
  assert.deepEqual({ type: defs[`${meta}.Time`]?.type, format: defs[`${meta}.Time`]?.format }, { type: 'string', format: 'date-time' });
  assert.equal(defs[`${core}.ServicePort`]?.properties?.['targetPort']?.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(defs[`${core}.ResourceRequirements`]?.properties?.['limits']?.additionalProperties instanceof Object, true);
});

test('definitions() uses integer formats', () => {
  assert.deepEqual(
    { type: defs[`${core}.ContainerPort`]?.properties?.['containerPort']?.type, format: defs[`${core}.ContainerPort`]?.properties?.['containerPort']?.format },
    { type: 'integer', format: 'int32' },
  );
  assert.equal(defs[`${meta}.ObjectMeta`]?.properties?.['generation']?.format, 'int64');
  assert.equal(defs[`${core}.PodSecurityContext`]?.properties?.['supplementalGroups']?.items?.format, 'int64');
});

test('definitions() names groups as upstream does', () => {
  for (const name of [
    'io.k8s.api.apps.v1.Deployment',
    'io.k8s.api.rbac.v1.ClusterRole',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    'io.k8s.apimachinery.pkg.runtime.RawExtension',
    'io.k8s.apimachinery.pkg.version.Info',
  ]) {
    assert.ok(defs[name], name);
  }
});

test('a missing definitions file is a clear error', () => {
  const module = fileURLToPath(new URL('../../../src/api/openapi/definitions.js', import.meta.url));
  const script = `import(${JSON.stringify(module)}).then((m) => m.definitions()).catch((e) => { console.log(e.message); process.exit(3); })`;
  const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], {
    env: { ...process.env, [definitionsEnvVar]: '/nonexistent/definitions.json' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stdout, /OpenAPI definitions in "\/nonexistent\/definitions.json" cannot be read/);
});
