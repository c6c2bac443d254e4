import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, decodeObject } from '../../../src/apiserver/protobuf/decode-object.js';
import { bool, bytes, entry, envelope, int, message, str, sub } from './proto-builder.js';

test('embedded Go structs are inlined into the parent object', () => {
  const volume = message(str(1, 'data'), bytes(2, message(sub(19, sub(1, str(1, 'settings')), int(3, 420)))));
  assert.deepEqual(decodeMessage(volume, 'core.Volume'), { name: 'data', configMap: { name: 'settings', defaultMode: 420 } });
  const probe = message(sub(1, sub(2, str(1, '/healthz'), sub(2, int(1, 1), str(3, 'http')))), int(2, 0), int(3, 5));
  assert.deepEqual(decodeMessage(probe, 'core.Probe'), { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 5 });
});

test('repeated fields append, packed or not; nested messages merge; the last scalar wins', () => {
  const ctx = message(bytes(4, new Uint8Array(0)), sub(1, str(1, 'a')), sub(1, str(2, 'b')));
  assert.deepEqual(decodeMessage(ctx, 'core.PodSecurityContext'), { seLinuxOptions: { user: 'a', role: 'b' } });
  const packed = message(bytes(4, Uint8Array.of(1, 2, 3)), int(4, 4));
  assert.deepEqual(decodeMessage(packed, 'core.PodSecurityContext'), { supplementalGroups: [1, 2, 3, 4] });
  assert.deepEqual(decodeMessage(message(str(1, 'A'), str(1, 'B')), 'core.EnvVar'), { name: 'B' });
  assert.deepEqual(decodeMessage(message(str(1, 'X'), str(2, 'a'), str(2, '')), 'core.EnvVar'), { name: 'X' });
});

test('map entries: duplicate keys keep the last, missing parts are zero values, __proto__ stays data', () => {
  const raw = message(entry(2, 'a', str(2, '1')), entry(2, 'a', str(2, '2')), sub(2, str(1, 'empty')), entry(2, '__proto__', str(2, 'x')));
  const data = decodeMessage(raw, 'core.ConfigMap').data as Record<string, unknown>;
  assert.deepEqual(Object.keys(data), ['a', 'empty', '__proto__']);
  assert.equal(data.a, '2');
  assert.equal(data.empty, '');
  assert.equal(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, 'x');
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  const limits = decodeMessage(message(sub(1, str(1, 'cpu'))), 'core.ResourceRequirements');
  assert.deepEqual(limits, { limits: { cpu: '0' } });
});

test('unknown fields are skipped; int32 and int64 keep their sign', () => {
  const raw = message(str(99, 'future'), int(2, -7), bool(3, true), int(4, 2147483648));
  assert.deepEqual(decodeMessage(raw, 'core.PodSecurityContext'), { runAsUser: -7, runAsNonRoot: true, supplementalGroups: [2147483648] });
  assert.deepEqual(decodeMessage(message(int(4, -1)), 'core.ServiceAccountTokenProjection'), { user: -1 });
  assert.deepEqual(decodeMessage(message(int(5, -2)), 'core.Toleration'), { tolerationSeconds: -2 });
  assert.deepEqual(decodeMessage(message(int(3, 4294967295)), 'core.ContainerPort'), { containerPort: -1 });
});

test('apiVersion and kind come from the envelope; unknown envelope fields are ignored', () => {
  const body = envelope('coordination.k8s.io/v1', 'Lease', message(sub(1, str(1, 'l')), sub(2, str(1, 'me'), sub(4, int(1, 1704164645), int(2, 5000)))));
  const withExtra = Uint8Array.of(...body, ...message(str(9, 'x')));
  assert.deepEqual(decodeObject(withExtra), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l' },
    spec: { holderIdentity: 'me', renewTime: '2024-01-02T03:04:05.000005Z' },
  });
});
