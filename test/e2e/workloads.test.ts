import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { stopChild } from '../support/stop-child.js';
import { api, kubectl, kubectlOk, startCluster, tempDataDir, useCluster, waitForReadyNodes, wharfArgs, type RunningCluster } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

const failingJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: doomed
spec:
  backoffLimit: 1
  template:
    metadata:
      annotations:
        wharf.dev/simulate-exit-after: 1s
        wharf.dev/simulate-exit-code: "1"
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
`;

interface PodView {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const isReady = (p: PodView) => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

describe('workload controllers behind kubectl on three simulated nodes', () => {
  const cluster = useCluster(['--nodes', '3']);
  const ok = kubectlOk(cluster);

  before(async () => {
    await waitForReadyNodes(cluster, 3);
  });

  test('a StatefulSet starts web-0, web-1, web-2 in order, each Ready before the next exists', async () => {
    const applied = await kubectl(cluster, ['apply', '-f', '-'], statefulSet);
    assert.equal(applied.code, 0, applied.stderr);
    // Every LIST is one consistent snapshot: whenever web-i exists in it, web-(i-1) must already be Ready.
    const firstSeen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await api(cluster, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
      assert.equal(r.status, 200);
      const pods = new Map((r.body.items as PodView[]).map((p) => [p.metadata.name, p]));
      for (const name of pods.keys()) if (!firstSeen.includes(name)) firstSeen.push(name);
      for (let ordinal = 1; ordinal < 3; ordinal++) {
        if (!pods.has(`web-${ordinal}`)) continue;
        const previous = pods.get(`web-${ordinal - 1}`);
        assert.ok(previous && isReady(previous), `web-${ordinal} exists while web-${ordinal - 1} is ${previous ? JSON.stringify(previous.status) : 'absent'}`);
      }
      if (pods.size === 3 && [...pods.values()].every(isReady)) break;
      await sleep(50);
    }
    assert.deepEqual(firstSeen, ['web-0', 'web-1', 'web-2']);
    await ok('rollout', 'status', 'statefulset/web', '--timeout=30s');
    assert.equal(await ok('get', 'statefulset', 'web', '-o', 'jsonpath={.status.readyReplicas}'), '3');
  });

  test('a Job whose pods keep failing stops at backoffLimit with BackoffLimitExceeded', async () => {
    const applied = await kubectl(cluster, ['apply', '-f', '-'], failingJob);
    assert.equal(applied.code, 0, applied.stderr);
    // One failure, the default 10 s backoff, a second failure: more than backoffLimit 1.
    await ok('wait', '--for=condition=Failed', 'job/doomed', '--timeout=60s');
    const reason = await ok('get', 'job', 'doomed', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}');
    assert.equal(reason, 'BackoffLimitExceeded');
    assert.equal(await ok('get', 'job', 'doomed', '-o', 'jsonpath={.status.failed}'), '2');
    // Exactly two pods were ever made, both failed: none was recreated after the limit.
    const phases = (await ok('get', 'pods', '-l', 'job-name=doomed', '-o', 'jsonpath={.items[*].status.phase}')).split(' ');
    assert.deepEqual(phases, ['Failed', 'Failed']);
  });

  test('kubectl delete deployment --cascade=orphan keeps the ReplicaSet and its pods, now ownerless', async () => {
    await ok('create', 'deployment', 'keep', '--image=nginx', '--replicas=2');
    await ok('rollout', 'status', 'deployment/keep', '--timeout=60s');
    const rsBefore = (await ok('get', 'rs', '-l', 'app=keep', '-o', 'name')).trim();
    const podsBefore = (await ok('get', 'pods', '-l', 'app=keep', '-o', 'name')).trim().split('\n').sort();
    assert.equal(podsBefore.length, 2);
    await ok('delete', 'deployment', 'keep', '--cascade=orphan', '--wait=true', '--timeout=30s');
    assert.notEqual((await kubectl(cluster, ['get', 'deployment', 'keep'])).code, 0);
    // The garbage collector removes the owner reference instead of deleting the dependant.
    let owners = 'pending';
    for (let i = 0; i < 100 && owners !== ''; i++) {
      owners = await ok('get', 'rs', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.ownerReferences}');
      if (owners !== '') await sleep(100);
    }
    assert.equal(owners, '', 'the ReplicaSet no longer names the deleted Deployment as owner');
    await sleep(1000);
    assert.equal((await ok('get', 'rs', '-l', 'app=keep', '-o', 'name')).trim(), rsBefore);
    assert.deepEqual((await ok('get', 'pods', '-l', 'app=keep', '-o', 'name')).trim().split('\n').sort(), podsBefore);
    assert.equal(await ok('get', 'rs', rsBefore.replace('replicaset.apps/', ''), '-o', 'jsonpath={.status.readyReplicas}'), '2');
  });

  test('kubectl rollout history and undo work for a StatefulSet and a DaemonSet through ControllerRevisions', async () => {
    const imageOf = (target: string) => ok('get', target, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {rollingUpdate: {maxUnavailable: 3}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "busybox:1"}]}
`;
    const applied = await kubectl(cluster, ['apply', '-f', '-'], daemonSet);
    assert.equal(applied.code, 0, applied.stderr);
    await ok('rollout', 'status', 'daemonset/agent', '--timeout=30s');
    for (const [target, container, next] of [
      ['statefulset/web', 'web', 'nginx:1.28'],
      ['daemonset/agent', 'agent', 'busybox:2'],
    ] as const) {
      const before = await imageOf(target);
      await ok('set', 'image', target, `${container}=${next}`);
      await ok('rollout', 'status', target, '--timeout=60s');
      const history = await ok('rollout', 'history', target);
      assert.match(history, /REVISION\s+CHANGE-CAUSE\s+1\s+<none>\s+2\s+<none>/, history);
      assert.match(await ok('rollout', 'history', target, '--revision=1'), new RegExp(`Image:\\s+${before.replace('.', '\\.')}`));
      await ok('rollout', 'undo', target);
      assert.equal(await imageOf(target), before, `${target} is back on its first template`);
      await ok('rollout', 'status', target, '--timeout=60s');
      // The first revision was renumbered, not copied: still two revisions, now 2 and 3.
      const revisions = await ok('get', 'controllerrevisions', '-o', `jsonpath={range .items[?(@.metadata.ownerReferences[0].name=="${target.split('/')[1]}")]}{.revision}{" "}{end}`);
      assert.deepEqual(revisions.trim().split(' ').sort(), ['2', '3']);
    }
    const table = await ok('get', 'controllerrevisions');
    assert.match(table, /NAME\s+CONTROLLER\s+REVISION\s+AGE/);
    assert.match(table, /daemonset\.apps\/agent\s+3/);
  });
});

describe('two controller-managers, one leader', () => {
  let cluster: RunningCluster;
  let cleanup: () => void;
  const managers = new Map<string, ChildProcess>();
  const output = new Map<string, string>();
  const ok = kubectlOk(() => cluster);

  const startManager = (identity: string) => {
    const args = wharfArgs([
      'controller-manager',
      '--kubeconfig', cluster.kubeconfig,
      '--controllers', 'deployment,replicaset',
      '--leader-elect',
      '--identity', identity,
    ]);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    output.set(identity, '');
    const collect = (d: Buffer) => output.set(identity, (output.get(identity) ?? '') + d.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    managers.set(identity, child);
  };

  const holder = async (): Promise<{ holderIdentity?: string; leaseTransitions?: number } | undefined> => {
    const r = await api(cluster, 'GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
    return r.status === 200 ? r.body.spec : undefined;
  };

  before(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDataDir());
    // Everything runs in `wharf up` except the two controllers the external managers take turns at.
    cluster = await startCluster(dir, ['--nodes', '1', '--controllers=*,-deployment,-replicaset']);
    startManager('a');
    startManager('b');
  });
  after(async () => {
    await Promise.all([...managers.values()].map((child) => stopChild(child, 'SIGTERM')));
    await cluster?.stop();
    cleanup?.();
  });

  test('exactly one manager holds the Lease and acts; when it is killed the other takes over', async () => {
    let lease = await holder();
    for (let i = 0; i < 200 && !lease?.holderIdentity; i++) {
      await sleep(100);
      lease = await holder();
    }
    const leader = lease?.holderIdentity;
    assert.ok(leader === 'a' || leader === 'b', `Lease holder: ${JSON.stringify(lease)}\n${[...output].join('\n')}`);
    const follower = leader === 'a' ? 'b' : 'a';

    await ok('create', 'deployment', 'first', '--image=nginx', '--replicas=2');
    await ok('rollout', 'status', 'deployment/first', '--timeout=30s');
    // The follower never took the lease while the leader was alive and renewing it.
    assert.equal((await holder())?.holderIdentity, leader);
    const transitions = (await holder())?.leaseTransitions ?? 0;

    await stopChild(managers.get(leader)!, 'SIGKILL');
    managers.delete(leader);
    // A killed leader cannot release the lease: the follower waits out its 15 s duration, then takes it.
    let now: string | undefined = leader;
    for (let i = 0; i < 300 && now !== follower; i++) {
      await sleep(100);
      now = (await holder())?.holderIdentity;
    }
    assert.equal(now, follower, `after killing ${leader}:\n${output.get(follower)}`);
    assert.ok(((await holder())?.leaseTransitions ?? 0) > transitions, 'the takeover counts as a transition');

    await ok('create', 'deployment', 'second', '--image=nginx', '--replicas=2');
    await ok('rollout', 'status', 'deployment/second', '--timeout=30s');
    assert.equal(await ok('get', 'deployment', 'second', '-o', 'jsonpath={.status.availableReplicas}'), '2');
  });
});
