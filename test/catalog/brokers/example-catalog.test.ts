import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleCatalog, LARGE_PLAN_ID, LARGE_PLAN_MAINTENANCE_VERSION } from '../../../src/catalog/brokers/example-catalog.js';
import { validateCatalog } from '../../../src/catalog/osb/validate.js';
import type { JsonObject } from '../../../src/catalog/osb/types.js';

test('exampleCatalog() is a valid OSB catalog with a sync and an async plan', () => {
  const c = exampleCatalog();
  assert.equal(validateCatalog(c as unknown as JsonObject).ok, true);
  const large = c.services[0]!.plans.find((p) => p.id === LARGE_PLAN_ID)!;
  assert.equal(large.maintenance_info?.version, LARGE_PLAN_MAINTENANCE_VERSION);
  assert.equal(large.maximum_polling_duration, 600);
  assert.notEqual(exampleCatalog(), c, 'each call gives a fresh copy a test may change');
});
