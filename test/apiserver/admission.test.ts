import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '../../src/api/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { Admission } from '../../src/apiserver/admission.js';
import { ResourceStore } from '../../src/apiserver/resource-store.js';
import { configMap, configMaps, namespace, namespaces, services } from './fixtures.js';

async function setup() {
  const storage = new MemoryStore();
  const nss = new ResourceStore(namespaces, storage);
  const svcs = new ResourceStore(services, storage);
  await nss.create(namespace('default'));
  return { nss, svcs, admission: new Admission(nss, svcs) };
}

function statusOf(code: number, reason: string, message: RegExp) {
  return (e: unknown) => e instanceof StatusError && e.code === code && e.reason === reason && message.test(e.message);
}

test('admit() lets a create into an existing namespace through', async () => {
  const { admission } = await setup();
  await admission.admit(configMaps, configMap('c', 'default'), undefined, undefined);
});

test('admit() answers 404 for a create in a namespace that does not exist', async () => {
  const { admission } = await setup();
  await assert.rejects(admission.admit(configMaps, configMap('c', 'missing'), undefined, undefined), statusOf(404, 'NotFound', /^namespaces "missing" not found$/));
});

test('admit() answers 403 for a create in a terminating namespace; updates there still pass', async () => {
  const { admission, nss } = await setup();
  await nss.create(namespace('ending'));
  await nss.delete(undefined, 'ending');
  await assert.rejects(
    admission.admit(configMaps, configMap('c', 'ending'), undefined, undefined),
    statusOf(403, 'Forbidden', /^configmaps "c" is forbidden: unable to create new content in namespace ending because it is being terminated$/),
  );
  await admission.admit(configMaps, configMap('c', 'ending'), configMap('c', 'ending'), undefined);
});

test('admit() does not check namespaces for cluster-scoped kinds', async () => {
  const { admission } = await setup();
  await admission.admit(namespaces, namespace('brand-new'), undefined, undefined);
});

test('admit() allocates service IPs and turns allocation errors into 422 Invalid', async () => {
  const { admission } = await setup();
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
  await admission.admit(services, svc, undefined, undefined);
  assert.match((svc.spec as { clusterIP: string }).clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b', namespace: 'default' }, spec: { clusterIP: '1.2.3.4', ports: [{ port: 80 }] } };
  await assert.rejects(admission.admit(services, bad, undefined, undefined), statusOf(422, 'Invalid', /^Service "b" is invalid: spec\.clusterIPs\[0\]: Invalid value: "1\.2\.3\.4"/));
  // A status write allocates nothing.
  const statusOnly: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's2', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
  await admission.admit(services, statusOnly, statusOnly, 'status');
  assert.equal((statusOnly.spec as { clusterIP?: string }).clusterIP, undefined);
});
