import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodePathMap } from '../../../src/provisioner/index.js';

test('NodePathMap.parse() without a ConfigMap puts each node under <data dir>/volumes/<node>', () => {
  const map = NodePathMap.parse('/var/lib/wharf', undefined);
  assert.deepEqual(map.directoryFor('n1'), { dir: '/var/lib/wharf/volumes/n1' });
});

test('NodePathMap.parse() takes listed paths as they are, a default base per node, and empty paths as a refusal', () => {
  const config = {
    nodePathMap: [
      { node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/srv/volumes'] },
      { node: 'fast', paths: ['/mnt/nvme', '/mnt/other'] },
      { node: 'full', paths: [] },
    ],
  };
  const map = NodePathMap.parse('/d', { 'config.json': JSON.stringify(config) });
  assert.deepEqual(map.directoryFor('fast'), { dir: '/mnt/nvme' });
  assert.deepEqual(map.directoryFor('n7'), { dir: '/srv/volumes/n7' });
  const refused = map.directoryFor('full');
  assert.ok('refused' in refused && /takes no local volumes/.test(refused.refused));
});

test('NodePathMap.parse() refuses a malformed map', () => {
  assert.throws(() => NodePathMap.parse('/d', { 'config.json': '{' }), SyntaxError);
  assert.throws(() => NodePathMap.parse('/d', { 'config.json': '{"nodePathMap":[{"node":"a","paths":["relative"]}]}' }), /absolute/);
  assert.throws(() => NodePathMap.parse('/d', { 'config.json': '{}' }), /nodePathMap/);
});
