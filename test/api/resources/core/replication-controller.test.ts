import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { replicationController } from '../../../../src/api/resources/core/replication-controller.js';

type Rec = Record<string, any>;

function rc(spec: Rec): KubeObject {
  const r: KubeObject = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec };
  replicationController.strategy.prepare!(r, {});
  replicationController.strategy.default!(r);
  return r;
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } };

test('RC defaults replicas, selector and labels from the template', () => {
  const r = rc({ template: structuredClone(template) });
  const spec = r.spec as Rec;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.selector, { app: 'web' });
  assert.deepEqual(r.metadata.labels, { app: 'web' });
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.deepEqual(r.status, { replicas: 0 });
  assert.deepEqual(replicationController.strategy.validate!(r), []);
});

test('RC selector must match the template labels', () => {
  const errs = replicationController.strategy.validate!(rc({ selector: { app: 'other' }, template: structuredClone(template) }));
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec.template.metadata.labels', '`selector` does not match template `labels`']]);
});

test('RC templates must restart Always and have no deadline; replicas non-negative', () => {
  const t = structuredClone(template) as Rec;
  t.spec.restartPolicy = 'OnFailure';
  t.spec.activeDeadlineSeconds = 10;
  const errs = replicationController.strategy.validate!(rc({ replicas: -1, template: t }));
  assert.deepEqual(errs.map((e) => e.field), ['spec.replicas', 'spec.template.spec.restartPolicy', 'spec.template.spec.activeDeadlineSeconds']);
});

test('RC validation reaches into the pod template', () => {
  const t = structuredClone(template) as Rec;
  t.spec.containers[0].image = '';
  const errs = replicationController.strategy.validate!(rc({ template: t }));
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [['spec.template.spec.containers[0].image', 'FieldValueRequired']]);
});

test('RC cells and field selector', () => {
  const r = rc({ replicas: 3, template: structuredClone(template) });
  r.status = { replicas: 2, readyReplicas: 1 };
  const cells = Object.fromEntries(replicationController.printerColumns.map((c) => [c.name, c.cell(r, Date.now())]));
  assert.equal(cells.Desired, 3);
  assert.equal(cells.Current, 2);
  assert.equal(cells.Ready, 1);
  assert.equal(cells.Containers, 'web');
  assert.equal(cells.Images, 'nginx:1.25');
  assert.equal(cells.Selector, 'app=web');
  assert.equal(replicationController.selectableFields['status.replicas'](r), '2');
});
