import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPodOnlyFields, defaultPodSpec, defaultPullPolicy, imageTag } from '../../../src/api/validation/pod-spec-defaults.js';

test('defaultPullPolicy() is Always for latest or untagged images', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('registry:5000/app'), 'Always');
  assert.equal(defaultPullPolicy('registry:5000/app:v1'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abc'), 'IfNotPresent');
  assert.equal(imageTag('nginx:1.25@sha256:abc'), '1.25');
});

test('defaultPodSpec() defaults ports, probes, volumes and canonical quantities', () => {
  const spec: Record<string, any> = {
    containers: [
      {
        name: 'a',
        image: 'x:1',
        ports: [{ containerPort: 80 }],
        readinessProbe: { httpGet: { port: 80 } },
        resources: { limits: { cpu: '1000m', memory: '1024Mi' } },
      },
    ],
    volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 's' } }],
  };
  defaultPodSpec(spec);
  const c = spec.containers[0];
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(c.resources.limits, { cpu: '1', memory: '1Gi' });
  assert.deepEqual(spec.volumes[0], { name: 'v', emptyDir: {} });
  assert.equal(spec.volumes[1].secret.defaultMode, 420);
});

test('defaultPodSpec() makes host ports equal container ports on the host network', () => {
  const spec: Record<string, any> = { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 8080 }] }] };
  defaultPodSpec(spec);
  assert.equal(spec.containers[0].ports[0].hostPort, 8080);
});

test('defaultPodOnlyFields() copies limits into missing requests and enables service links', () => {
  const spec: Record<string, any> = { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' }, requests: { memory: '1Gi' } } }] };
  defaultPodOnlyFields(spec);
  assert.deepEqual(spec.containers[0].resources.requests, { memory: '1Gi', cpu: '1' });
  assert.equal(spec.enableServiceLinks, true);
});
