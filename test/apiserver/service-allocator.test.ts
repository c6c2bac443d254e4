import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { ResourceStore } from '../../src/apiserver/resource-store.js';
import { ServiceAllocator } from '../../src/apiserver/service-allocator.js';
import { services } from './fixtures.js';

interface Spec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: { name?: string; port: number; nodePort?: number }[];
}

function svc(name: string, spec: Spec = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }], ...spec } };
}
const specOf = (o: KubeObject) => o.spec as Spec;

function setup(cidr = '10.96.0.0/12') {
  const store = new ResourceStore(services, new MemoryStore());
  return { store, alloc: new ServiceAllocator(store, cidr) };
}

/** Allocates and stores a service, as admission and the store do for a create. */
async function createSvc(store: ResourceStore, alloc: ServiceAllocator, s: KubeObject): Promise<KubeObject> {
  const errors = await alloc.allocate(s, undefined);
  assert.deepEqual(errors, []);
  return (await store.create(s)).obj;
}

test('allocate() hands out cluster IPs from the start of the range, never twice', async () => {
  const { store, alloc } = setup();
  const a = await createSvc(store, alloc, svc('a'));
  assert.equal(specOf(a).clusterIP, '10.96.0.1');
  assert.deepEqual(specOf(a).clusterIPs, ['10.96.0.1']);
  const b = await createSvc(store, alloc, svc('b'));
  assert.equal(specOf(b).clusterIP, '10.96.0.2');
  // Handed out but not stored yet: still not given again.
  const c = svc('c');
  const d = svc('d');
  await alloc.allocate(c, undefined);
  await alloc.allocate(d, undefined);
  assert.notEqual(specOf(c).clusterIP, specOf(d).clusterIP);
});

test('allocate() accepts a requested free IP and rejects taken or out-of-range ones', async () => {
  const { store, alloc } = setup();
  const a = await createSvc(store, alloc, svc('a', { clusterIP: '10.96.5.5' }));
  assert.equal(specOf(a).clusterIP, '10.96.5.5');
  const taken = await alloc.allocate(svc('b', { clusterIP: '10.96.5.5' }), undefined);
  assert.deepEqual(taken.map((e) => [e.field, e.detail]), [['spec.clusterIPs[0]', 'failed to allocate IP 10.96.5.5: provided IP is already allocated']]);
  const outside = await alloc.allocate(svc('c', { clusterIP: '192.168.0.1' }), undefined);
  assert.equal(outside.length, 1);
  assert.equal(outside[0].field, 'spec.clusterIPs[0]');
  assert.match(outside[0].detail, /The range of valid IPs is 10\.96\.0\.0\/12/);
  const garbage = await alloc.allocate(svc('d', { clusterIP: 'not-an-ip' }), undefined);
  assert.equal(garbage.length, 1);
});

test('allocate() names the configured range in an out-of-range error', async () => {
  const { alloc } = setup('10.0.0.0/24');
  const errors = await alloc.allocate(svc('x', { clusterIP: '10.96.0.9' }), undefined);
  assert.deepEqual(errors.map((e) => [e.field, e.detail]), [['spec.clusterIPs[0]', 'provided IP is not in the valid range. The range of valid IPs is 10.0.0.0/24']]);
  const hostBits = setup('10.0.0.7/24').alloc;
  const fromHostBits = await hostBits.allocate(svc('y', { clusterIP: '10.0.1.1' }), undefined);
  assert.match(fromHostBits[0].detail, /The range of valid IPs is 10\.0\.0\.0\/24$/, 'the range is named by its network address');
  const first = svc('z');
  assert.deepEqual(await hostBits.allocate(first, undefined), []);
  assert.equal(specOf(first).clusterIP, '10.0.0.1');
});

test('allocate() leaves headless and ExternalName services without an IP', async () => {
  const { alloc } = setup();
  const headless = svc('h', { clusterIP: 'None' });
  assert.deepEqual(await alloc.allocate(headless, undefined), []);
  assert.equal(specOf(headless).clusterIP, 'None');
  assert.deepEqual(specOf(headless).clusterIPs, ['None']);
  const ext = svc('e', { type: 'ExternalName' });
  assert.deepEqual(await alloc.allocate(ext, undefined), []);
  assert.equal(specOf(ext).clusterIP, undefined);
});

test('allocate() gives NodePort and LoadBalancer ports a node port in 30000-32767', async () => {
  const { store, alloc } = setup();
  const np = await createSvc(store, alloc, svc('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }));
  const ports = specOf(np).ports!.map((p) => p.nodePort!);
  for (const p of ports) assert.ok(p >= 30000 && p <= 32767, String(p));
  assert.notEqual(ports[0], ports[1]);
  const lb = svc('lb', { type: 'LoadBalancer' });
  assert.deepEqual(await alloc.allocate(lb, undefined), []);
  assert.ok(specOf(lb).ports![0].nodePort);
  const cip = svc('cip');
  await alloc.allocate(cip, undefined);
  assert.equal(specOf(cip).ports![0].nodePort, undefined, 'ClusterIP services get no node port');
});

test('allocate() rejects a node port out of range or already taken', async () => {
  const { store, alloc } = setup();
  await createSvc(store, alloc, svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
  const taken = await alloc.allocate(svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }), undefined);
  assert.deepEqual(taken.map((e) => [e.field, e.detail]), [['spec.ports[0].nodePort', 'provided port is already allocated']]);
  const low = await alloc.allocate(svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), undefined);
  assert.deepEqual(low.map((e) => [e.field, e.detail]), [['spec.ports[0].nodePort', 'provided port is not in the valid range. The range of valid ports is 30000-32767']]);
  const dup = await alloc.allocate(svc('d', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 31000 }, { name: 'b', port: 81, nodePort: 31000 }] }), undefined);
  assert.deepEqual(dup.map((e) => e.field), ['spec.ports[1].nodePort']);
});

test('allocate() on update keeps the cluster IP and node ports a client leaves out', async () => {
  const { store, alloc } = setup();
  const old = await createSvc(store, alloc, svc('a', { type: 'NodePort' }));
  const next = svc('a', { type: 'NodePort' });
  assert.deepEqual(await alloc.allocate(next, old), []);
  assert.equal(specOf(next).clusterIP, specOf(old).clusterIP);
  assert.equal(specOf(next).ports![0].nodePort, specOf(old).ports![0].nodePort);
  const same = svc('a', { type: 'NodePort', clusterIP: specOf(old).clusterIP, ports: [{ port: 80, nodePort: specOf(old).ports![0].nodePort }] });
  assert.deepEqual(await alloc.allocate(same, old), [], 'its own IP and port are not "taken"');
});

test('allocate() on two API servers sharing one store never hands out the same IP or node port', async () => {
  // Two servers: each its own watch cache and allocator, one store between them.
  const shared = new MemoryStore();
  const one = new ResourceStore(services, shared);
  const two = new ResourceStore(services, shared);
  const allocOne = new ServiceAllocator(one, '10.0.0.0/29');
  const allocTwo = new ServiceAllocator(two, '10.0.0.0/29');
  const wanted = Array.from({ length: 6 }, (_, i) => svc(`s${i}`, { type: 'NodePort' }));
  // Allocated concurrently, before either server stored any of them.
  const errors = await Promise.all(wanted.map((s, i) => (i % 2 ? allocTwo : allocOne).allocate(s, undefined)));
  assert.deepEqual(errors.flat(), []);
  const ips = wanted.map((s) => specOf(s).clusterIP);
  assert.equal(new Set(ips).size, 6, `distinct IPs: ${ips.join(' ')}`);
  const ports = wanted.map((s) => specOf(s).ports![0].nodePort);
  assert.equal(new Set(ports).size, 6, `distinct node ports: ${ports.join(' ')}`);
  // The /29 has six usable addresses, all claimed now.
  const seventh = await allocTwo.allocate(svc('s6'), undefined);
  assert.deepEqual(seventh.map((e) => [e.field, e.detail]), [['spec.clusterIPs', 'range is full']]);
  // The same IP asked for explicitly through the other server is refused.
  const taken = await allocOne.allocate(svc('x', { clusterIP: ips[1] }), undefined);
  assert.deepEqual(taken.map((e) => e.detail), [`failed to allocate IP ${ips[1]}: provided IP is already allocated`]);
});

test('allocate() takes over the claim of a service that was never stored, once the grace period is over', async () => {
  const shared = new MemoryStore();
  const store = new ResourceStore(services, shared);
  const patient = new ServiceAllocator(store, '10.0.0.0/30', 30_000);
  const impatient = new ServiceAllocator(store, '10.0.0.0/30', 0);
  // 10.0.0.0/30 has two usable addresses: .1 and .2.
  await createSvc(store, patient, svc('kept'));
  const abandoned = svc('abandoned');
  assert.deepEqual(await patient.allocate(abandoned, undefined), []);
  assert.equal(specOf(abandoned).clusterIP, '10.0.0.2');
  // Within the grace period its create may still be in flight: the address stays taken.
  const early = await patient.allocate(svc('early'), undefined);
  assert.deepEqual(early.map((e) => e.detail), ['range is full']);
  // After it (grace 0 here), no stored service holds 10.0.0.2, so it is free again; 10.0.0.1 is not.
  const late = svc('late');
  assert.deepEqual(await impatient.allocate(late, undefined), []);
  assert.equal(specOf(late).clusterIP, '10.0.0.2');
});
