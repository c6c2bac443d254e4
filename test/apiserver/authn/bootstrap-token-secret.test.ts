import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootstrapTokenSecret,
  formatBootstrapToken,
  generateBootstrapToken,
  isValidExtraGroup,
  parseBootstrapToken,
} from '../../../src/apiserver/authn/bootstrap-token-secret.js';

test('generateBootstrapToken() makes distinct tokens that parseBootstrapToken() reads back', () => {
  const a = generateBootstrapToken();
  const b = generateBootstrapToken();
  assert.notEqual(formatBootstrapToken(a), formatBootstrapToken(b));
  assert.match(formatBootstrapToken(a), /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.deepEqual(parseBootstrapToken(formatBootstrapToken(a)), a);
  assert.equal(parseBootstrapToken('abcdef.0123456789abcdeF'), undefined);
  assert.equal(parseBootstrapToken(' abcdef.0123456789abcdef'), undefined);
});

test('bootstrapTokenSecret() is the kube-system Secret Kubernetes expects', () => {
  const s = bootstrapTokenSecret({ id: 'abcdef', secret: '0123456789abcdef' }, { expires: new Date('2026-11-28T10:00:00.123Z'), description: 'edge', extraGroups: ['system:bootstrappers:edge'] });
  assert.deepEqual(s, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    stringData: {
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      description: 'edge',
      expiration: '2026-11-28T10:00:00Z',
      'usage-bootstrap-authentication': 'true',
      'auth-extra-groups': 'system:bootstrappers:edge',
    },
  });
});

test('bootstrapTokenSecret() refuses extra groups outside system:bootstrappers:*', () => {
  assert.ok(isValidExtraGroup('system:bootstrappers:kubeadm:default-node-token'));
  assert.ok(!isValidExtraGroup('system:bootstrappers'));
  assert.throws(() => bootstrapTokenSecret({ id: 'abcdef', secret: '0123456789abcdef' }, { extraGroups: ['system:masters'] }), RangeError);
});
