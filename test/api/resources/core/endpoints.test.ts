import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { endpoints, formatEndpoints } from '../../../../src/api/resources/core/endpoints.js';

function ep(subsets: unknown[]): KubeObject {
  const e: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets };
  endpoints.strategy.default!(e);
  return e;
}

test('endpoint ports default to TCP and valid endpoints pass', () => {
  const e = ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]);
  assert.equal((e.subsets as any)[0].ports[0].protocol, 'TCP');
  assert.deepEqual(endpoints.strategy.validate!(e), []);
});

test('endpoint subsets need addresses with valid IPs and named ports when several', () => {
  const errs = endpoints.strategy.validate!(ep([{ ports: [{ port: 80 }] }, { addresses: [{ ip: 'nope' }], ports: [{ port: 80 }, { port: 81 }] }]));
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [
    ['subsets[0]', 'FieldValueRequired'],
    ['subsets[1].addresses[0].ip', 'FieldValueInvalid'],
    ['subsets[1].ports[0].name', 'FieldValueRequired'],
    ['subsets[1].ports[1].name', 'FieldValueRequired'],
  ]);
});

test('formatEndpoints() lists up to three endpoints', () => {
  assert.equal(formatEndpoints(ep([])), '<none>');
  const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((ip) => ({ ip }));
  assert.equal(formatEndpoints(ep([{ addresses: addresses.slice(0, 2), ports: [{ port: 80 }] }])), '10.0.0.1:80,10.0.0.2:80');
  assert.equal(formatEndpoints(ep([{ addresses, ports: [{ port: 80 }] }])), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])), '[fd00::1]:80');
});
