import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod, verdicts } from '../fixtures.js';

const REJECT = "NodePorts: node(s) didn't have free ports for the requested pod ports";

test('host ports conflict by protocol and port; 0.0.0.0 conflicts with any address', () => {
  const s = cluster(
    [node('a'), node('b'), node('c')],
    [
      pod('web', { nodeName: 'a', hostPorts: [80] }),
      pod('dns', {
        nodeName: 'b',
        containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }],
      }),
    ],
  );
  assert.deepEqual(verdicts(s, pod('p', { hostPorts: [80] })), { a: REJECT, b: '', c: '' });
  const udp = (ip: string) => pod(`u${ip}`, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: ip }] }] });
  assert.equal(verdicts(s, udp('10.0.0.2')).b, '');
  assert.equal(verdicts(s, udp('10.0.0.1')).b, REJECT);
  assert.equal(verdicts(s, udp('0.0.0.0')).b, REJECT);
  // TCP 53 is a different port.
  assert.equal(verdicts(s, pod('tcp', { hostPorts: [53] })).b, '');
});
