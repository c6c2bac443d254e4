import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageForKind } from '../../../src/apiserver/protobuf/kind-registry.js';

test('served kinds map to their messages, meta kinds to meta/v1 from any served group', () => {
  assert.equal(messageForKind('v1', 'ConfigMap'), 'core.ConfigMap');
  assert.equal(messageForKind('apps/v1', 'Deployment'), 'apps.Deployment');
  assert.equal(messageForKind('events.k8s.io/v1', 'Event'), 'events.Event');
  assert.equal(messageForKind('authentication.k8s.io/v1', 'TokenRequest'), 'authentication.TokenRequest');
  assert.equal(messageForKind('policy/v1', 'DeleteOptions'), 'meta.DeleteOptions');
  assert.equal(messageForKind('meta.k8s.io/v1', 'DeleteOptions'), 'meta.DeleteOptions');
  assert.equal(messageForKind('v1', 'Status'), 'meta.Status');
});

test('unknown groups, versions and kinds, and nested messages, have none', () => {
  assert.equal(messageForKind('apps/v1beta2', 'Deployment'), undefined);
  assert.equal(messageForKind('example.com/v1', 'Widget'), undefined);
  assert.equal(messageForKind('v1', 'PodSpec'), undefined);
  assert.equal(messageForKind('apps/v1', 'ConfigMap'), undefined);
  assert.equal(messageForKind('constructor/v1', 'Pod'), undefined);
});
