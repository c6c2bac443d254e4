import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeIdentity, SIMULATED_FLEET_GROUP } from '../../../src/apiserver/node-authz/node-identity.js';

test('nodeIdentity() is a node only for system:node:<name> in system:nodes, and never for the simulated fleet', () => {
  assert.deepEqual(nodeIdentity({ username: 'system:node:edge-1', groups: ['system:nodes', 'system:authenticated'] }), { isNode: true, name: 'edge-1' });
  assert.deepEqual(nodeIdentity({ username: 'system:node:', groups: ['system:nodes'] }), { isNode: true, name: '' });
  assert.equal(nodeIdentity({ username: 'system:node:edge-1', groups: ['system:authenticated'] }).isNode, false);
  assert.equal(nodeIdentity({ username: 'edge-1', groups: ['system:nodes'] }).isNode, false);
  assert.equal(nodeIdentity({ username: 'system:node:wharf-nodes', groups: ['system:nodes', SIMULATED_FLEET_GROUP] }).isNode, false);
  assert.equal(nodeIdentity(undefined).isNode, false);
});
