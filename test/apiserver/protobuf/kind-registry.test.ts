import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageForKind } from '../../../src/apiserver/protobuf/kind-registry.js';
import { apiVersionOf } from '../../../src/api/resource.js';
import { builtinResources } from '../../../src/api/resources/index.js';

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

test('every built-in kind Wharf serves, and the kinds of its subresources and reviews, has a message', () => {
  // The service catalog's kinds never had a protobuf encoding upstream: they are JSON only, as custom resources.
  for (const d of builtinResources.filter((r) => r.group !== 'servicecatalog.k8s.io')) assert.ok(messageForKind(apiVersionOf(d), d.kind), `${apiVersionOf(d)} ${d.kind}`);
  const more: [string, string][] = [
    ['autoscaling/v1', 'Scale'],
    ['v1', 'Binding'],
    ['policy/v1', 'Eviction'],
    ['authentication.k8s.io/v1', 'TokenRequest'],
    ['authentication.k8s.io/v1', 'TokenReview'],
    ['authentication.k8s.io/v1', 'SelfSubjectReview'],
  ];
  for (const [apiVersion, kind] of more) assert.ok(messageForKind(apiVersion, kind), `${apiVersion} ${kind}`);
  assert.equal(messageForKind('rbac.authorization.k8s.io/v1', 'Role'), 'rbac.Role');
  assert.equal(messageForKind('authorization.k8s.io/v1', 'SelfSubjectAccessReview'), 'authorization.SelfSubjectAccessReview');
  assert.equal(messageForKind('rbac.authorization.k8s.io/v1', 'DeleteOptions'), 'meta.DeleteOptions');
  assert.equal(messageForKind('rbac.authorization.k8s.io/v1', 'PolicyRule'), undefined);
  assert.equal(messageForKind('authorization.k8s.io/v1', 'Role'), undefined);
});
