import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/index.js';
import { selectionFrom } from '../../src/apiserver/selection.js';
import { configMap, configMaps, namespaces, pod, pods } from './fixtures.js';

const sel = (query: string, d = pods) => selectionFrom(d, new URLSearchParams(query));

test('selectionFrom() without selectors matches everything and pins no name', () => {
  const s = sel('');
  assert.equal(s.labels.empty, true);
  assert.equal(s.fields.empty, true);
  assert.equal(s.name, undefined);
  assert.equal(s.matches(pod('x')), true);
});

test('selectionFrom() matches labels and the fields every kind has', () => {
  const a = pod('a', 'ns1', { app: 'web' });
  const b = pod('b', 'ns2', { app: 'db' });
  assert.deepEqual([a, b].filter(sel('labelSelector=app%3Dweb').matches), [a]);
  assert.deepEqual([a, b].filter(sel('fieldSelector=metadata.namespace%3Dns2').matches), [b]);
  assert.deepEqual([a, b].filter(sel('fieldSelector=metadata.name%21%3Da').matches), [b]);
  assert.deepEqual([a, b].filter(sel('labelSelector=app&fieldSelector=metadata.name%3Db').matches), [b]);
});

test('selectionFrom() matches a kind\'s selectable fields', () => {
  const bound = pod('bound');
  (bound.spec as { nodeName?: string }).nodeName = 'n1';
  bound.status = { phase: 'Running' };
  const free = pod('free');
  free.status = { phase: 'Pending' };
  assert.deepEqual([bound, free].filter(sel('fieldSelector=spec.nodeName%3Dn1').matches), [bound]);
  assert.deepEqual([bound, free].filter(sel('fieldSelector=spec.nodeName%3D').matches), [free]);
  assert.deepEqual([bound, free].filter(sel('fieldSelector=status.phase%21%3DRunning').matches), [free]);
  assert.equal(sel('fieldSelector=status.phase%3DActive', namespaces).matches({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Active' } }), true);
});

test('selectionFrom() pins the name of an equality metadata.name selector', () => {
  assert.equal(sel('fieldSelector=metadata.name%3Dweb').name, 'web');
  assert.equal(sel('fieldSelector=metadata.name%3D%3Dweb').name, 'web');
  assert.equal(sel('fieldSelector=metadata.name%21%3Dweb').name, undefined);
});

test('selectionFrom() answers 400 for a field the kind cannot select by, and for bad selectors', () => {
  const isBad = (msg: RegExp) => (e: unknown) => e instanceof StatusError && e.code === 400 && msg.test(e.message);
  assert.throws(() => sel('fieldSelector=spec.nodeName%3Dn1', configMaps), isBad(/^field label not supported: spec\.nodeName$/));
  assert.throws(() => sel('fieldSelector=data.k%3Dv', configMaps), isBad(/field label not supported/));
  assert.throws(() => sel('labelSelector=app%20in%20web'), isBad(/unable to parse requirement/));
  assert.throws(() => sel('fieldSelector=nonsense'), isBad(/invalid selector/));
  assert.equal(sel('fieldSelector=metadata.name%3Dc', configMaps).matches(configMap('c')), true);
});
