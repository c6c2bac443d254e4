import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsOrphanMitigation, type OsbEndpoint, type OsbOutcome } from '../../../src/catalog/osb/orphan-mitigation.js';

const status = (s: number, malformed = false): OsbOutcome => ({ type: 'status', status: s, malformed });

// One row per line of the spec's Orphan Mitigation table (plus the endpoints it leaves out).
const rows: [OsbEndpoint, OsbOutcome, boolean][] = [
  ['provision', status(200), false],
  ['provision', status(200, true), false],
  ['bind', status(200, true), false],
  ['provision', status(201), false],
  ['provision', status(201, true), true],
  ['bind', status(201, true), true],
  ['provision', status(202), false],
  ['provision', status(202, true), true],
  ['bind', status(202, true), true],
  ['provision', status(204), true],
  ['deprovision', status(204), true],
  ['bind', status(204), true],
  ['unbind', status(206), true],
  ['update', status(204), false],
  ['provision', status(408), false],
  ['bind', status(408), false],
  ['provision', status(400), false],
  ['provision', status(409), false],
  ['provision', status(422), false],
  ['deprovision', status(410), false],
  ['provision', status(500), true],
  ['deprovision', status(503), true],
  ['bind', status(500), true],
  ['unbind', status(502), true],
  ['update', status(500), false],
  ['getInstance', status(500), false],
  ['catalog', status(500), false],
  ['lastOperation', status(500), false],
  ['provision', { type: 'timeout' }, true],
  ['bind', { type: 'timeout' }, true],
  ['deprovision', { type: 'timeout' }, false],
  ['unbind', { type: 'timeout' }, false],
  ['update', { type: 'timeout' }, false],
  ['catalog', { type: 'timeout' }, false],
  ['provision', { type: 'unreachable' }, false],
  ['bind', { type: 'unreachable' }, false],
  ['lastOperation', { type: 'operationFailed', operation: 'provision' }, true],
  ['lastOperation', { type: 'operationFailed', operation: 'deprovision' }, true],
  ['lastOperation', { type: 'operationFailed', operation: 'update' }, false],
  ['lastBindingOperation', { type: 'operationFailed', operation: 'bind' }, true],
  ['lastBindingOperation', { type: 'operationFailed', operation: 'unbind' }, true],
  ['provision', status(302), false],
];

for (const [endpoint, outcome, expected] of rows) {
  const label = outcome.type === 'status' ? `${outcome.status}${outcome.malformed ? ' malformed' : ''}` : outcome.type === 'operationFailed' ? `failed ${outcome.operation}` : outcome.type;
  test(`needsOrphanMitigation() for ${endpoint} ${label} is ${expected}`, () => {
    assert.equal(needsOrphanMitigation(endpoint, outcome), expected);
  });
}
