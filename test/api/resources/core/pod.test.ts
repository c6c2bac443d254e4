import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import type { PrinterColumn } from '../../../../src/api/resource.js';
import { pod } from '../../../../src/api/resources/core/pod.js';

type Rec = Record<string, any>;

function newPod(spec: Rec = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec } };
}

function create(obj: KubeObject): KubeObject {
  pod.strategy.prepare!(obj, {});
  pod.strategy.default!(obj);
  return obj;
}

function column(name: string): PrinterColumn {
  const c = pod.printerColumns.find((c) => c.name === name);
  assert.ok(c, name);
  return c;
}

test('pod defaults match kube-apiserver', () => {
  const p = create(newPod({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] }));
  const spec = p.spec as Rec;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(spec.tolerations, undefined);
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.ports[0].protocol, 'TCP');
});

test('pod prepare on create sets phase Pending and the QoS class', () => {
  const p = create(newPod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal(create(newPod()).status && (create(newPod()).status as Rec).qosClass, 'BestEffort');
});

test('a valid pod passes validation', () => {
  assert.deepEqual(pod.strategy.validate!(create(newPod())), []);
});

test('pod validation reports metadata and spec problems with Kubernetes paths', () => {
  const p = create(newPod({ containers: [{ name: 'web' }] }));
  p.metadata.name = 'Web_1';
  const errs = pod.strategy.validate!(p);
  assert.deepEqual(errs.map((e) => e.field).sort(), ['metadata.name', 'spec.containers[0].image']);
});

test('pod updates may change images but not other spec fields', () => {
  const old = create(newPod());
  const next = structuredClone(old);
  (next.spec as Rec).containers[0].image = 'nginx:2';
  assert.deepEqual(pod.strategy.validateUpdate!(next, old), []);
  (next.spec as Rec).hostNetwork = true;
  const errs = pod.strategy.validateUpdate!(next, old);
  assert.equal(errs[0].field, 'spec');
  assert.match(errs[0].detail, /^pod updates may not change fields other than/);
});

test('a running pod prints 1/1 Running', () => {
  const p = create(newPod());
  p.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2024-01-01T00:00:00Z' } } }],
    podIP: '10.0.0.5',
  };
  pod.strategy.default!(p);
  assert.equal(column('Ready').cell(p, Date.now()), '1/1');
  assert.equal(column('Status').cell(p, Date.now()), 'Running');
  assert.equal(column('Restarts').cell(p, Date.now()), '0');
  assert.equal(column('IP').cell(p, Date.now()), '10.0.0.5');
  assert.equal(column('Node').cell(p, Date.now()), '<none>');
  assert.equal(column('Readiness Gates').cell(p, Date.now()), '<none>');
});

test('a pod with a waiting container shows its reason, and restarts show when', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const p = create(newPod());
  p.status = {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'web',
        ready: false,
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, finishedAt: '2024-01-01T00:05:00Z' } },
      },
    ],
  };
  assert.equal(column('Ready').cell(p, now), '0/1');
  assert.equal(column('Status').cell(p, now), 'CrashLoopBackOff');
  assert.equal(column('Restarts').cell(p, now), '5 (5m ago)');
});

test('pod status cells follow the kubectl reason logic', () => {
  const now = Date.now();
  const status = (o: KubeObject) => column('Status').cell(o, now);
  const p = create(newPod());
  assert.equal(status(p), 'Pending');
  p.status = { phase: 'Pending', containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }] };
  assert.equal(status(p), 'ContainerCreating');
  p.status = { phase: 'Succeeded', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
  assert.equal(status(p), 'Completed');
  p.status = { phase: 'Failed', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 2 } } }] };
  assert.equal(status(p), 'ExitCode:2');
  p.status = { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] };
  p.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.equal(status(p), 'Terminating');
});

test('pod status shows init container progress', () => {
  const p = create(newPod({ initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] }));
  p.status = {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', state: { terminated: { exitCode: 0 } } },
      { name: 'i2', state: { running: {} } },
    ],
    containerStatuses: [{ name: 'web', state: { waiting: { reason: 'PodInitializing' } } }],
  };
  assert.equal(column('Status').cell(p, Date.now()), 'Init:1/2');
  (p.status as Rec).initContainerStatuses[1] = { name: 'i2', state: { waiting: { reason: 'ImagePullBackOff' } } };
  assert.equal(column('Status').cell(p, Date.now()), 'Init:ImagePullBackOff');
});

test('pod columns are the kubectl ones, wide ones at priority 1', () => {
  assert.deepEqual(
    pod.printerColumns.map((c) => [c.name, c.priority]),
    [['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1]],
  );
});

test('pod field selectors read spec and status', () => {
  const p = create(newPod({ nodeName: 'n1' }));
  (p.status as Rec).podIPs = [{ ip: '10.0.0.9' }];
  const f = pod.selectableFields;
  assert.equal(f['spec.nodeName'](p), 'n1');
  assert.equal(f['spec.restartPolicy'](p), 'Always');
  assert.equal(f['spec.schedulerName'](p), 'default-scheduler');
  assert.equal(f['spec.hostNetwork'](p), 'false');
  assert.equal(f['status.phase'](p), 'Pending');
  assert.equal(f['status.podIP'](p), '10.0.0.9');
  assert.equal(f['status.nominatedNodeName'](p), '');
});
