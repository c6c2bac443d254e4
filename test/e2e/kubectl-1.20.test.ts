import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { kubectlOk, oldKubectl, useCluster } from './harness.js';

// kubectl 1.20 speaks an older dialect: legacy discovery, OpenAPI v2 in protobuf, client-side validation.
describe('kubectl 1.20 against wharf up', { skip: existsSync(oldKubectl) ? false : `no kubectl 1.20 at ${oldKubectl}` }, () => {
  const cluster = useCluster();
  const ok = kubectlOk(cluster, oldKubectl, 'kubectl 1.20');

  test('version, api-resources, apply twice, get, explain, patch, delete', async () => {
    assert.match(await ok('version', '--short'), /Server Version: v1\.32/);
    assert.match(await ok('api-resources'), /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    const file = path.join(cluster.dataDir, 'cm.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old-client}\ndata: {a: "1"}\n');
    assert.match(await ok('apply', '-f', file), /created/);
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old-client}\ndata: {a: "2", b: "3"}\n');
    assert.match(await ok('apply', '-f', file), /configured/);
    assert.equal(await ok('get', 'cm', 'old-client', '-o', 'jsonpath={.data.a},{.data.b}'), '2,3');
    assert.match(await ok('explain', 'deployment.spec.replicas'), /FIELD:\s+replicas <integer>/);
    await ok('patch', 'cm', 'old-client', '--type=merge', '-p', '{"data":{"a":"9"}}');
    assert.equal(await ok('get', 'cm', 'old-client', '-o', 'jsonpath={.data.a}'), '9');
    assert.match(await ok('delete', 'cm', 'old-client'), /deleted/);
  });
});
