import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointSlice } from '../../../../src/api/resources/discovery/endpoint-slice.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(fields: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'], conditions: { ready: true } }],
    ports: [{ port: 80 }],
    ...fields,
  };
  endpointSlice.strategy.default!(o);
  return o;
}

test('default() names ports "" and sets protocol TCP', () => {
  assert.deepEqual(make().ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});

test('validate() accepts a valid slice', () => {
  assert.deepEqual(endpointSlice.strategy.validate!(make()), []);
});

test('validate() checks addressType, addresses and ports', () => {
  assert.equal(endpointSlice.strategy.validate!(make({ addressType: 'IPX' }))[0].type, 'FieldValueNotSupported');
  assert.equal(endpointSlice.strategy.validate!(make({ addressType: undefined }))[0].type, 'FieldValueRequired');
  const errs = endpointSlice.strategy.validate!(
    make({ endpoints: [{ addresses: [] }, { addresses: ['300.1.1.1', '127.0.0.1'] }], ports: [{ name: 'http' }, { name: 'http', protocol: 'ICMP' }] }),
  );
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['endpoints[0].addresses', 'must contain at least 1 address'],
      ['endpoints[1].addresses[0]', 'must be a valid IPv4 address'],
      ['endpoints[1].addresses[1]', 'may not be in the loopback range (127.0.0.0/8, ::1/128)'],
      ['ports[1].name', ''],
      ['ports[1].protocol', 'supported values: "SCTP", "TCP", "UDP"'],
    ],
  );
});

test('validateUpdate() keeps addressType immutable', () => {
  const errs = endpointSlice.strategy.validateUpdate!(make({ addressType: 'IPv6' }), make());
  assert.deepEqual(errs.map((e) => e.field), ['addressType']);
});

test('printer columns list ports and endpoints, three at most', () => {
  const o = make({ endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4', '10.0.0.5'] }], ports: [{ port: 80 }, { name: 'metrics' }] });
  assert.deepEqual(
    endpointSlice.printerColumns.map((c) => [c.name, c.cell(o, Date.parse('2024-01-01T00:01:00Z'))]),
    [
      ['AddressType', 'IPv4'],
      ['Ports', '80,metrics'],
      ['Endpoints', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...'],
      ['Age', '60s'],
    ],
  );
  assert.equal(endpointSlice.printerColumns[2].cell(make({ endpoints: [] }), 0), '<unset>');
});
