import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry } from '../../src/api/index.js';
import { apiVersionFor, describeResource, resourceFor, resourceId } from '../../src/client/resource-descriptor.js';

const registry = new ResourceRegistry();

test('resourceFor() describes a registered resource, kind included', () => {
  assert.deepEqual(resourceFor(registry, 'apps', 'v1', 'deployments'), { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' });
  assert.deepEqual(resourceFor(registry, '', 'v1', 'nodes'), { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' });
  assert.throws(() => resourceFor(registry, 'apps', 'v1', 'deployment'), /unknown resource deployment\.apps\/v1/);
});

test('describeResource(), apiVersionFor() and resourceId() of core and grouped resources', () => {
  const leases = describeResource(registry.lookup('coordination.k8s.io', 'v1', 'leases')!);
  assert.equal(apiVersionFor(leases), 'coordination.k8s.io/v1');
  assert.equal(apiVersionFor(resourceFor(registry, '', 'v1', 'pods')), 'v1');
  assert.equal(resourceId(leases), 'coordination.k8s.io/v1/leases');
});
