import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyFromLabels } from '../../../src/apiserver/admission/pod-security.js';
import { createNamespace, podBody, startAdmissionServer } from './harness.js';

const restrictedSecurityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

test('policyFromLabels() reads levels and versions, defaults warn to a stricter enforce, and reports bad values', () => {
  const { policy, errors } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25' });
  assert.deepEqual(errors, []);
  assert.deepEqual(policy.enforce, { level: 'baseline', version: { latest: false, minor: 25 } });
  assert.deepEqual(policy.warn, { level: 'baseline', version: { latest: false, minor: 25 } });
  assert.equal(policy.audit.level, 'privileged');
  const bad = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.25' });
  assert.equal(bad.policy.enforce.level, 'restricted');
  assert.deepEqual(bad.errors.map((e) => `${e.field}: ${e.detail}`), [
    'metadata.labels[pod-security.kubernetes.io/enforce]: must be one of privileged, baseline, restricted',
    'metadata.labels[pod-security.kubernetes.io/warn-version]: must be "latest" or "v1.x"',
  ]);
});

test('through HTTP: an enforce=restricted namespace refuses a plain pod with 403 and admits a hardened one', async () => {
  const s = await startAdmissionServer();
  try {
    await createNamespace(s, 'secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const r = await s.call('POST', '/api/v1/namespaces/secure/pods', podBody('x'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(
      r.body.message,
      'pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const ok = await s.call('POST', '/api/v1/namespaces/secure/pods', podBody('y', { containers: [{ name: 'c', image: 'busybox', securityContext: restrictedSecurityContext }] }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // Deployments are not refused, only warned about: their pods are what enforce stops.
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    assert.equal((await s.call('POST', '/apis/apps/v1/namespaces/secure/deployments', deployment)).status, 201);
  } finally {
    await s.close();
  }
});

test('review() returns warn-mode findings and audit annotations; pods pass when only warn and audit are set', async () => {
  const s = await startAdmissionServer();
  try {
    await createNamespace(s, 'soft', { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30' });
    const pods = s.server.registry.lookup('', 'v1', 'pods')!;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'h', namespace: 'soft' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x' }] } };
    const result = await s.admission.review(pods, pod, undefined, undefined);
    assert.deepEqual(result.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)']);
    assert.equal(result.auditAnnotations['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
    assert.match(result.auditAnnotations['pod-security.kubernetes.io/audit-violations'], /^would violate PodSecurity "restricted:v1\.30": host namespaces \(hostNetwork=true\), allowPrivilegeEscalation != false/);
    const r = await s.call('POST', '/api/v1/namespaces/soft/pods', { ...pod, metadata: { name: 'h' } });
    assert.equal(r.status, 201);

    const deployments = s.server.registry.lookup('apps', 'v1', 'deployments')!;
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'soft' },
      spec: { template: { spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } } },
    };
    const dr = await s.admission.review(deployments, deployment, undefined, undefined);
    assert.deepEqual(dr.warnings, ['would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)']);
    assert.equal(dr.auditAnnotations['pod-security.kubernetes.io/enforce-policy'], undefined);
  } finally {
    await s.close();
  }
});

test('namespaces with bad Pod Security labels are 422; tightening enforce warns about existing pods', async () => {
  const s = await startAdmissionServer();
  try {
    const bad = await s.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad', labels: { 'pod-security.kubernetes.io/enforce': 'strict' } } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'Namespace "bad" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');

    await createNamespace(s, 'apps');
    for (const name of ['b', 'a']) {
      assert.equal((await s.call('POST', '/api/v1/namespaces/apps/pods', podBody(name, { hostIPC: true }))).status, 201);
    }
    const namespaces = s.server.registry.lookup('', 'v1', 'namespaces')!;
    const old = (await s.call('GET', '/api/v1/namespaces/apps')).body;
    const next = { ...old, metadata: { ...old.metadata, labels: { ...old.metadata.labels, 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    const result = await s.admission.review(namespaces, next, old, undefined);
    assert.deepEqual(result.warnings, [
      'existing pods in namespace "apps" violate the new PodSecurity enforce level "baseline:latest"',
      'a (and 1 other pod): host namespaces',
    ]);
  } finally {
    await s.close();
  }
});
