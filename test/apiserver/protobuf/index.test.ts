import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import { decodeKubernetesProtobuf, kubernetesProtobuf } from '../../../src/apiserver/protobuf/index.js';
import { bool, bytes, entry, envelope, int, message, newObjectMeta, str, sub, tag } from './proto-builder.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

test('the media type is Kubernetes protobuf', () => {
  assert.equal(kubernetesProtobuf, 'application/vnd.kubernetes.protobuf');
});

test('a ConfigMap decodes to its JSON form, zero omitempty fields dropped', () => {
  const raw = message(newObjectMeta('x'), entry(2, 'a', str(2, 'b')), entry(2, 'c', str(2, '')));
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', creationTimestamp: null },
    data: { a: 'b', c: '' },
  });
});

test('bytes as kubectl 1.32 sent them for `create configmap x --from-literal=a=b`', () => {
  const body = hex('6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a017812001a0022002a0032003800420012060a01611201621a002200');
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', creationTimestamp: null },
    data: { a: 'b' },
  });
});

test('bytes as kubectl 1.32 sent them for `create poddisruptionbudget pdb --selector=app=web --min-available=1`', () => {
  const body = hex(
    '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412390a130a0370646212001a0022002a0032003800420012160a06080010011a00120c0a0a0a0361707012037765621a0a080018002000280030001a002200',
  );
  assert.deepEqual(decodeKubernetesProtobuf(body), {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'pdb', creationTimestamp: null },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  });
});

test('a Secret keeps bytes data as base64 and stringData as text', () => {
  const raw = message(
    newObjectMeta('s', entry(11, 'app', str(2, 'web'))),
    entry(2, 'k', bytes(2, utf8('v'))),
    entry(2, 'bin', bytes(2, Uint8Array.of(0, 255, 1))),
    str(3, 'Opaque'),
    entry(4, 'plain', str(2, 'text')),
    bool(5, false),
  );
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Secret', raw)), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', creationTimestamp: null, labels: { app: 'web' } },
    data: { k: 'dg==', bin: 'AP8B' },
    type: 'Opaque',
    stringData: { plain: 'text' },
    immutable: false,
  });
});

test('a Deployment with an IntOrString maxSurge, a Quantity request and a nested pod template', () => {
  const container = sub(
    2,
    str(1, 'nginx'),
    str(2, 'nginx:1.27'),
    sub(6, str(1, 'http'), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
    sub(8, entry(2, 'cpu', sub(2, str(1, '250m'))), entry(2, 'memory', sub(2, str(1, '64Mi')))),
    str(13, ''),
    bool(16, false),
  );
  const raw = message(
    newObjectMeta('web', entry(11, 'app', str(2, 'web'))),
    sub(
      2,
      int(1, 3),
      sub(2, entry(1, 'app', str(2, 'web'))),
      sub(3, sub(1, sub(8), entry(11, 'app', str(2, 'web'))), sub(2, container, str(3, 'Always'), int(4, 30))),
      sub(4, str(1, 'RollingUpdate'), sub(2, sub(1, int(1, 0), int(2, 1)), sub(2, int(1, 1), str(3, '25%')))),
      int(5, 0),
      int(6, 10),
    ),
    sub(3),
  );
  assert.deepEqual(decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', raw)), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.27',
              ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
              resources: { requests: { cpu: '250m', memory: '64Mi' } },
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
    },
    status: {},
  });
});

test('a Namespace with finalizers and a deletion timestamp', () => {
  const raw = message(
    sub(1, str(1, 'team-a'), str(6, '42'), int(7, 2), sub(8, int(1, 1704164645)), sub(9, int(1, 1704164700)), int(10, 0)),
    sub(2, str(1, 'kubernetes')),
    sub(3, str(1, 'Terminating')),
  );
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Namespace', raw)), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'team-a',
      resourceVersion: '42',
      generation: 2,
      creationTimestamp: '2024-01-02T03:04:05Z',
      deletionTimestamp: '2024-01-02T03:05:00Z',
      deletionGracePeriodSeconds: 0,
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating' },
  });
});

test('an Eviction carries its DeleteOptions', () => {
  const raw = message(
    sub(1, str(1, 'web-0'), str(3, 'default'), sub(8)),
    sub(2, int(1, 0), sub(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All')),
  );
  assert.deepEqual(decodeKubernetesProtobuf(envelope('policy/v1', 'Eviction', raw)), {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: null },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
  });
});

test('DeleteOptions decode under any served group version, and Status as meta/v1', () => {
  const raw = message(int(1, 30), bool(3, true));
  assert.deepEqual(decodeKubernetesProtobuf(envelope('apps/v1', 'DeleteOptions', raw)), {
    apiVersion: 'apps/v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 30,
    orphanDependents: true,
  });
  const status = message(sub(1), str(2, 'Failure'), str(3, 'gone'), str(4, 'NotFound'), sub(5, str(1, 'x'), str(3, 'pods'), sub(4, str(1, 'FieldValueInvalid'), str(3, 'spec'))), int(6, 404));
  assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Status', status)), {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'gone',
    reason: 'NotFound',
    details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', field: 'spec' }] },
    code: 404,
  });
});

function assertBadRequest(body: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeKubernetesProtobuf(body),
    (e: unknown) => e instanceof StatusError && e.status.code === 400 && e.status.reason === 'BadRequest' && pattern.test(e.status.message ?? ''),
  );
}

test('malformed bodies are 400 Bad Request', () => {
  const configMap = envelope('v1', 'ConfigMap', message(newObjectMeta('x')));
  assertBadRequest(new Uint8Array(0), /empty data/);
  assertBadRequest(utf8('{"kind":"ConfigMap"}'), /does not appear to be a protobuf message/);
  assertBadRequest(Uint8Array.of(0x6b, 0x38, 0x73, 0x00), /empty body/);
  assertBadRequest(configMap.subarray(0, configMap.length - 3), /unexpected EOF/);
  assertBadRequest(envelope('v1', '', message()), /Object 'Kind' is missing/);
  assertBadRequest(envelope('v1', 'Widget', message()), /no kind "Widget" is registered for version "v1"/);
  assertBadRequest(envelope('apps/v1beta1', 'Deployment', message()), /no kind "Deployment"/);
  assertBadRequest(envelope('v1', 'ConfigMap', message(int(1, 5))), /wrong wireType = 0 for field metadata/);
  assertBadRequest(envelope('v1', 'ConfigMap', message(tag(7, 7))), /illegal wireType 7/);
  assertBadRequest(envelope('v1', 'ConfigMap', message(sub(1, int(7, '9007199254740993')))), /metadata.generation: integer 9007199254740993/);
  assertBadRequest(Uint8Array.of(0x6b, 0x38, 0x73, 0x00, ...Array(11).fill(0xff)), /integer overflow/);
});

test('random garbage after the prefix never escapes as anything but a 400', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
  const good = envelope('apps/v1', 'Deployment', message(newObjectMeta('web'), sub(2, int(1, 3))));
  for (let i = 0; i < 2000; i++) {
    const body = Uint8Array.from(good);
    for (let j = 0; j < 3; j++) body[4 + (next() % (body.length - 4))] = next();
    try {
      decodeKubernetesProtobuf(body);
    } catch (e) {
      assert.ok(e instanceof StatusError && e.status.code === 400, `unexpected ${String(e)}`);
    }
  }
});
