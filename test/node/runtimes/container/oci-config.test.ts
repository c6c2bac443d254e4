import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../../src/api/index.js';
import type { CgroupSupport } from '../../../../src/node/runtimes/container/cgroup-support.js';
import { allCapabilities, buildOciSpec, defaultCapabilities, effectiveCapabilities, type ContainerConfigInput } from '../../../../src/node/runtimes/container/oci-config.js';
import { ContainerConfigError } from '../../../../src/node/runtimes/container/pod-resources.js';

const cgroups: CgroupSupport = { version: 2, cpuLimits: true, memoryLimits: true, memorySwap: false, notEnforced: [] };
const sandbox = { uid: 'u', dir: '/data/pods/u', hostNetwork: false, podIP: '10.244.0.2', netnsPath: '/run/netns/wharf-u', hostsPath: '/data/pods/u/hosts', resolvConfPath: '/data/pods/u/resolv.conf', hostname: 'web' };

function input(c: Partial<Container>, podSpec: Record<string, unknown> = {}, over: Partial<ContainerConfigInput> = {}): ContainerConfigInput {
  const container = { name: 'c', ...c } as Container;
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u' }, spec: { containers: [container], ...podSpec } };
  return {
    pod,
    container,
    args: ['sh'],
    env: new Map([['A', '1']]),
    image: { Env: ['PATH=/bin', 'A=image'], WorkingDir: '/app' },
    imageUser: { uid: 1000, gid: 1000 },
    sandbox,
    volumes: new Map([
      ['data', { name: 'data', hostPath: '/data/pods/u/volumes/kubernetes.io~empty-dir/data', readOnly: false }],
      ['cfg', { name: 'cfg', hostPath: '/data/pods/u/volumes/kubernetes.io~configmap/cfg', readOnly: true }],
    ]),
    rootfs: '/data/containers/x/rootfs',
    terminationLogPath: '/data/containers/x/termination-log',
    cgroups,
    cgroupsPath: '/wharf/x',
    ...over,
  };
}

test('buildOciSpec() lays the container env over the image env and keeps the image workdir and user', () => {
  const spec = buildOciSpec(input({}));
  assert.deepEqual(spec.process.env, ['PATH=/bin', 'A=1', 'HOSTNAME=web']);
  assert.equal(spec.process.cwd, '/app');
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000 });
  assert.equal(spec.hostname, 'web');
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/wharf-u' });
  assert.equal(spec.root.readonly, false);
  assert.deepEqual(spec.process.capabilities.bounding, defaultCapabilities);
});

test('buildOciSpec() applies securityContext: user, group, read-only root, capabilities, no privilege escalation', () => {
  const spec = buildOciSpec(input({ workingDir: '/w', securityContext: { runAsUser: 5, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN'], drop: ['KILL'] } } }, { securityContext: { runAsGroup: 7, supplementalGroups: [20], fsGroup: 30 } }));
  assert.deepEqual(spec.process.user, { uid: 5, gid: 7, additionalGids: [20, 30] });
  assert.equal(spec.process.cwd, '/w');
  assert.equal(spec.root.readonly, true);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.ok(spec.process.capabilities.effective.includes('CAP_NET_ADMIN'));
  assert.ok(!spec.process.capabilities.effective.includes('CAP_KILL'));
});

test('buildOciSpec() refuses root under runAsNonRoot with kubelet wording', () => {
  assert.throws(() => buildOciSpec(input({ securityContext: { runAsNonRoot: true } }, {}, { imageUser: { uid: 0, gid: 0 } })), (e: unknown) => e instanceof ContainerConfigError && e.message === 'container has runAsNonRoot and image will run as root');
});

test('effectiveCapabilities() handles ALL and privileged', () => {
  assert.deepEqual(effectiveCapabilities({ drop: ['ALL'], add: ['chown'] }, false), ['CAP_CHOWN']);
  assert.deepEqual(effectiveCapabilities(undefined, true), allCapabilities);
  assert.deepEqual(effectiveCapabilities({ add: ['ALL'] }, false), allCapabilities);
});

test('buildOciSpec() makes privileged containers see all devices and an unmasked /proc', () => {
  const spec = buildOciSpec(input({ securityContext: { privileged: true } }));
  assert.deepEqual(spec.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.equal(spec.linux.maskedPaths, undefined);
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')!.options!.includes('rw'));
});

test('buildOciSpec() mounts the pod files, volumes (read-only where asked or for API data) and subPaths', () => {
  const spec = buildOciSpec(input({ volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'sub/dir' }, { name: 'cfg', mountPath: '/etc/cfg' }, { name: 'data', mountPath: '/ro', readOnly: true }] }));
  const byDest = new Map(spec.mounts.map((m) => [m.destination, m]));
  assert.equal(byDest.get('/etc/hosts')!.source, '/data/pods/u/hosts');
  assert.equal(byDest.get('/etc/resolv.conf')!.source, '/data/pods/u/resolv.conf');
  assert.equal(byDest.get('/dev/termination-log')!.source, '/data/containers/x/termination-log');
  assert.equal(byDest.get('/data')!.source, '/data/pods/u/volumes/kubernetes.io~empty-dir/data/sub/dir');
  assert.ok(byDest.get('/data')!.options!.includes('rw'));
  assert.ok(byDest.get('/etc/cfg')!.options!.includes('ro'));
  assert.ok(byDest.get('/ro')!.options!.includes('ro'));
  assert.throws(() => buildOciSpec(input({ volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '../../etc' }] })), ContainerConfigError);
  assert.throws(() => buildOciSpec(input({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] })), /cannot find volume "nope"/);
});

test('buildOciSpec() turns limits into cgroup settings only where the machine enforces them', () => {
  const c = { resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } } };
  const spec = buildOciSpec(input(c));
  assert.deepEqual(spec.linux.resources.memory, { limit: 64 * 1024 * 1024 });
  assert.deepEqual(spec.linux.resources.cpu, { quota: 25_000, period: 100_000, shares: 102 });
  assert.equal(spec.linux.cgroupsPath, '/wharf/x');
  const none = buildOciSpec(input(c, {}, { cgroups: { version: undefined, cpuLimits: false, memoryLimits: false, memorySwap: false, notEnforced: ['x'] } }));
  assert.equal(none.linux.resources.memory, undefined);
  assert.equal(none.linux.resources.cpu, undefined);
  assert.equal(none.linux.cgroupsPath, undefined);
});

test('buildOciSpec() gives host-network pods the node network and UTS namespaces', () => {
  const spec = buildOciSpec(input({}, { hostNetwork: true }, { sandbox: { ...sandbox, hostNetwork: true, netnsPath: undefined } }));
  assert.equal(spec.linux.namespaces.some((n) => n.type === 'network' || n.type === 'uts'), false);
  assert.equal(spec.hostname, undefined);
});
