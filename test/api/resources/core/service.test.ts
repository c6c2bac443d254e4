import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { service } from '../../../../src/api/resources/core/service.js';

type Rec = Record<string, any>;

function svc(spec: Rec, name = 'web'): KubeObject {
  const s: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
  service.strategy.default!(s);
  return s;
}

test('service defaults match kube-apiserver', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(service.strategy.validate!(s), []);
});

test('NodePort services default externalTrafficPolicy; ClientIP affinity gets its timeout', () => {
  const s = svc({ type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 'http' }] });
  assert.equal((s.spec as Rec).externalTrafficPolicy, 'Cluster');
  assert.deepEqual((s.spec as Rec).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal((s.spec as Rec).ports[0].targetPort, 'http');
  assert.deepEqual(service.strategy.validate!(s), []);
});

test('service names must be DNS-1035 labels', () => {
  const errs = service.strategy.validate!(svc({ ports: [{ port: 80 }] }, '1web'));
  assert.equal(errs[0].field, 'metadata.name');
  assert.match(errs[0].detail, /DNS-1035 label/);
});

test('service ports: range, names when several, protocol, duplicates', () => {
  const s = svc({ ports: [{ port: 0 }, { name: 'a', port: 80, protocol: 'HTTP' }, { name: 'b', port: 80 }] });
  const errs = service.strategy.validate!(s);
  const by = (f: string) => errs.filter((e) => e.field === f).map((e) => e.type);
  assert.deepEqual(by('spec.ports[0].name'), ['FieldValueRequired']);
  assert.deepEqual(by('spec.ports[0].port'), ['FieldValueInvalid']);
  assert.deepEqual(by('spec.ports[1].protocol'), ['FieldValueNotSupported']);
  assert.deepEqual(by('spec.ports[2]'), []);
  const dupes = svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 80 }] });
  const dErrs = service.strategy.validate!(dupes);
  assert.deepEqual(dErrs.map((e) => [e.field, e.type]), [['spec.ports[1].name', 'FieldValueDuplicate'], ['spec.ports[1]', 'FieldValueDuplicate']]);
});

test('service type and selector are validated', () => {
  const errs = service.strategy.validate!(svc({ type: 'Magic', selector: { 'a/b/c': 'x' }, ports: [{ port: 80 }] }));
  const type = errs.find((e) => e.field === 'spec.type');
  assert.equal(type?.detail, 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
  assert.ok(errs.some((e) => e.field === 'spec.selector'));
});

test('a ClusterIP service may not set nodePort', () => {
  const errs = service.strategy.validate!(svc({ ports: [{ port: 80, nodePort: 30080 }] }));
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec.ports[0].nodePort', "may not be used when `type` is 'ClusterIP'"]]);
});

test('ExternalName services need a name and no cluster IP', () => {
  const ok = svc({ type: 'ExternalName', externalName: 'db.example.com.' });
  assert.deepEqual(service.strategy.validate!(ok), []);
  const missing = service.strategy.validate!(svc({ type: 'ExternalName' }));
  assert.deepEqual(missing.map((e) => e.field), ['spec.externalName']);
});

test('clusterIP is immutable and carried over when an update omits it', () => {
  const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
  const next = svc({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] });
  const errs = service.strategy.validateUpdate!(next, old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec.clusterIPs[0]', 'may not change once set']]);
  const omitted: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
  service.strategy.prepare!(omitted, { old });
  service.strategy.default!(omitted);
  assert.equal((omitted.spec as Rec).clusterIP, '10.96.0.10');
  assert.deepEqual(service.strategy.validateUpdate!(omitted, old), []);
});

test('service cells', () => {
  const s = svc({ type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, nodePort: 30080 }, { port: 443, protocol: 'TCP' }] });
  const cells = Object.fromEntries(service.printerColumns.map((c) => [c.name, c.cell(s, Date.now())]));
  assert.equal(cells.Type, 'NodePort');
  assert.equal(cells['Cluster-IP'], '10.96.0.10');
  assert.equal(cells['External-IP'], '<none>');
  assert.equal(cells['Port(s)'], '80:30080/TCP,443/TCP');
  assert.equal(cells.Selector, 'app=web,tier=fe');
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal(service.printerColumns[2].cell(lb, Date.now()), '<pending>');
  lb.status = { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } };
  assert.equal(service.printerColumns[2].cell(lb, Date.now()), '203.0.113.7');
  assert.equal(service.printerColumns[1].cell(svc({ type: 'ExternalName', externalName: 'x.com' }), Date.now()), '<none>');
});
