import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../../src/api/index.js';
import { podHostname, podHostsFile, podResolvConf } from '../../../../../src/node/runtimes/container/sandbox/pod-dns-files.js';

function pod(spec: Record<string, unknown>, name = 'web-0'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, spec: { containers: [], ...spec } };
}

const hostResolvConf = 'nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n';

test('podHostsFile() lists localhost, the pod FQDN with a subdomain, then hostAliases', () => {
  const text = podHostsFile(pod({ hostname: 'db', subdomain: 'dbs', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] }), '10.244.0.5', { hostHosts: '' });
  const lines = text.split('\n');
  assert.equal(lines[0], '# Kubernetes-managed hosts file.');
  assert.equal(lines[1], '127.0.0.1\tlocalhost');
  assert.ok(lines.includes('10.244.0.5\tdb.dbs.shop.svc.cluster.local\tdb'));
  assert.ok(text.endsWith('\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n'));
});

test('podHostsFile() gives host-network pods the node file', () => {
  assert.equal(podHostsFile(pod({ hostNetwork: true }), '192.0.2.1', { hostHosts: '127.0.0.1 localhost\n' }), '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n');
});

test('podResolvConf() under ClusterFirst searches the namespace through the cluster DNS', () => {
  assert.equal(
    podResolvConf(pod({}), { clusterDNS: ['10.96.0.10'], hostResolvConf, hostHosts: '' }),
    'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
});

test('podResolvConf() falls back to the node resolver without cluster DNS, and None uses dnsConfig alone', () => {
  assert.equal(podResolvConf(pod({}), { hostResolvConf, hostHosts: '' }), 'search corp.example\nnameserver 192.0.2.53\noptions edns0\n');
  assert.equal(
    podResolvConf(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }] } }), { clusterDNS: ['10.96.0.10'], hostResolvConf, hostHosts: '' }),
    'search a.example\nnameserver 1.1.1.1\noptions ndots:2\n',
  );
});

test('podHostname() prefers spec.hostname and cuts to 63 characters', () => {
  assert.equal(podHostname(pod({ hostname: 'h1' })), 'h1');
  assert.equal(podHostname(pod({}, 'x'.repeat(70))).length, 63);
});
