import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailures, evaluatePodSpec } from '../../../src/apiserver/admission/pod-security-checks.js';

const latest = { latest: true, minor: 0 };
const v = (minor: number) => ({ latest: false, minor });

function spec(container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}): Record<string, unknown> {
  return { containers: [{ name: 'c', image: 'x', ...container }], ...pod };
}

const restrictedContainer = {
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
};

test('evaluatePodSpec() finds nothing wrong with a plain pod at baseline, or anything at privileged', () => {
  assert.deepEqual(evaluatePodSpec('baseline', latest, {}, spec()), []);
  assert.deepEqual(evaluatePodSpec('privileged', latest, {}, spec({ securityContext: { privileged: true } }, { hostNetwork: true })), []);
  assert.deepEqual(evaluatePodSpec('restricted', latest, {}, spec(restrictedContainer)), []);
});

test('a plain pod fails restricted with the four findings kubectl shows, in upstream order', () => {
  assert.equal(
    describeFailures(evaluatePodSpec('restricted', latest, {}, spec())),
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
});

test('baseline checks: host namespaces, privileged, capabilities, hostPath, hostPorts, AppArmor, SELinux, procMount, seccomp, sysctls', () => {
  const bad = spec(
    {
      securityContext: {
        privileged: true,
        capabilities: { add: ['NET_ADMIN', 'CHOWN', 'SYS_TIME'] },
        procMount: 'Unmasked',
        seLinuxOptions: { type: 'spc_t', user: 'root' },
        seccompProfile: { type: 'Unconfined' },
        appArmorProfile: { type: 'Unconfined' },
      },
      ports: [{ containerPort: 80, hostPort: 8080 }],
    },
    {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] },
    },
  );
  assert.deepEqual(evaluatePodSpec('baseline', latest, {}, bad), [
    { reason: 'forbidden AppArmor profile', detail: 'container "c" must not set AppArmor profile type to "Unconfined"' },
    { reason: 'non-default capabilities', detail: 'container "c" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add' },
    { reason: 'host namespaces', detail: 'hostNetwork=true, hostPID=true' },
    { reason: 'hostPath volumes', detail: 'volume "root"' },
    { reason: 'hostPort', detail: 'container "c" uses hostPort 8080' },
    { reason: 'privileged', detail: 'container "c" must not set securityContext.privileged=true' },
    { reason: 'procMount', detail: 'container "c" must not set securityContext.procMount to "Unmasked"' },
    { reason: 'seLinuxOptions', detail: 'container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set' },
    { reason: 'seccompProfile', detail: 'container "c" must not set securityContext.seccompProfile.type to "Unconfined"' },
    { reason: 'forbidden sysctls', detail: 'kernel.msgmax' },
  ]);
});

test('restricted replaces the baseline capability, hostPath and seccomp checks with its own', () => {
  const s = spec(
    { securityContext: { ...restrictedContainer.securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] }, runAsUser: 0 } },
    { volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'ok', emptyDir: {} }] },
  );
  assert.deepEqual(evaluatePodSpec('restricted', latest, {}, s), [
    { reason: 'unrestricted capabilities', detail: 'container "c" must not include "SYS_ADMIN" in securityContext.capabilities.add' },
    { reason: 'restricted volume types', detail: 'volumes "h", "n" use restricted volume types "hostPath", "nfs"' },
    { reason: 'runAsUser=0', detail: 'container "c" must not set runAsUser=0' },
  ]);
});

test('pod-level settings satisfy restricted for every container; explicit false on a container still fails', () => {
  const pod = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } };
  const container = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
  assert.deepEqual(evaluatePodSpec('restricted', latest, {}, spec(container, pod)), []);
  const explicit = spec({ securityContext: { ...container.securityContext, runAsNonRoot: false } }, pod);
  assert.deepEqual(evaluatePodSpec('restricted', latest, {}, explicit), [{ reason: 'runAsNonRoot != true', detail: 'container "c" must not set securityContext.runAsNonRoot=false' }]);
});

test('versions gate checks: runAsUser from v1.23, restricted capabilities from v1.22, seccomp annotations before v1.19', () => {
  const s = spec({ securityContext: { ...restrictedContainer.securityContext, runAsUser: 0 } });
  assert.equal(evaluatePodSpec('restricted', v(22), {}, s).length, 0);
  assert.equal(evaluatePodSpec('restricted', v(23), {}, s)[0].reason, 'runAsUser=0');
  const annotated = { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } };
  assert.deepEqual(evaluatePodSpec('baseline', v(18), annotated, spec()), [
    { reason: 'seccompProfile', detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"' },
  ]);
  assert.deepEqual(evaluatePodSpec('baseline', v(19), annotated, spec()), []);
  // Sysctls allowed from v1.29 are refused at older versions.
  const keepalive = spec({}, { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] } });
  assert.equal(evaluatePodSpec('baseline', v(28), {}, keepalive).length, 1);
  assert.equal(evaluatePodSpec('baseline', v(29), {}, keepalive).length, 0);
});
