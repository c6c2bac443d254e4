import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseJsonObject,
  readErrorBody,
  validateBindResponse,
  validateCatalog,
  validateGetInstanceResponse,
  validateLastOperation,
  validateOperationResponse,
  validateProvisionResponse,
} from '../../../src/catalog/osb/validate.js';
import type { JsonObject } from '../../../src/catalog/osb/types.js';
import { exampleCatalog } from '../../../src/catalog/brokers/example-catalog.js';

const problem = (r: { ok: boolean; problem?: string }): string | undefined => (r.ok ? undefined : r.problem);

test('parseJsonObject() accepts only a JSON object', () => {
  assert.equal(parseJsonObject('{"a":1}').ok, true);
  assert.equal(problem(parseJsonObject('')), 'the body is empty');
  assert.equal(problem(parseJsonObject('{')), 'the body is not valid JSON');
  assert.equal(problem(parseJsonObject('[1]')), 'the body is not a JSON object');
  assert.equal(problem(parseJsonObject('null')), 'the body is not a JSON object');
});

test('validateCatalog() accepts the example catalog and vendor extension fields', () => {
  const c = exampleCatalog() as unknown as JsonObject;
  assert.equal(validateCatalog(c).ok, true);
  assert.equal(validateCatalog({ services: [], 'x-vendor': true }).ok, true);
});

test('validateCatalog() names the first bad field', () => {
  const svc = (over: JsonObject): JsonObject => ({
    services: [{ id: 's', name: 'n', description: 'd', bindable: true, plans: [{ id: 'p', name: 'pn', description: 'pd' }], ...over }],
  });
  assert.equal(problem(validateCatalog({})), 'services must be an array');
  assert.equal(problem(validateCatalog(svc({ id: '' }))), 'services[0].id must not be empty');
  assert.equal(problem(validateCatalog(svc({ bindable: 'yes' }))), 'services[0].bindable must be a boolean');
  assert.equal(problem(validateCatalog(svc({ plans: [] }))), 'services[0].plans must be a non-empty array');
  assert.equal(problem(validateCatalog(svc({ tags: [1] }))), 'services[0].tags must be an array of strings');
  assert.equal(
    problem(validateCatalog(svc({ plans: [{ id: 'p', name: 'pn', description: 'pd', maximum_polling_duration: -1 }] }))),
    'services[0].plans[0].maximum_polling_duration must be a non-negative integer',
  );
  assert.equal(
    problem(validateCatalog(svc({ plans: [{ id: 'p', name: 'pn', description: 'pd', maintenance_info: {} }] }))),
    'services[0].plans[0].maintenance_info.version is missing',
  );
  assert.equal(
    problem(validateCatalog(svc({ plans: [{ id: 'p', name: 'pn', description: 'pd', schemas: { service_instance: { create: { parameters: 'x' } } } }] }))),
    'services[0].plans[0].schemas.service_instance.create.parameters must be an object',
  );
  const twice = { services: [svc({}).services as JsonObject[], svc({}).services as JsonObject[]].flat() };
  assert.equal(problem(validateCatalog(twice)), 'services[1].id "s" is not unique');
});

test('validateProvisionResponse() allows null dashboard_url and operation, and caps operation at 10,000 characters', () => {
  assert.equal(validateProvisionResponse({ dashboard_url: null, operation: null }).ok, true);
  assert.equal(problem(validateProvisionResponse({ operation: 'x'.repeat(10_001) })), 'operation is longer than 10000 characters');
  assert.equal(problem(validateProvisionResponse({ metadata: { labels: [] } })), 'metadata.labels must be an object');
});

test('validateOperationResponse() rejects a non-string operation', () => {
  assert.equal(validateOperationResponse({}).ok, true);
  assert.equal(problem(validateOperationResponse({ operation: 1 })), 'operation must be a string');
});

test('validateBindResponse() checks credentials, volume mounts, endpoints and expiry times', () => {
  assert.equal(validateBindResponse({ credentials: { a: 1 }, metadata: { expires_at: '2030-01-01T00:00:00.0Z' } }).ok, true);
  assert.equal(problem(validateBindResponse({ credentials: [] })), 'credentials must be an object');
  assert.equal(problem(validateBindResponse({ volume_mounts: [{ driver: 'd', container_dir: '/x', mode: 'r', device_type: 'shared' }] })), 'volume_mounts[0].device is missing');
  assert.equal(problem(validateBindResponse({ endpoints: [{ host: 'h', ports: [443] }] })), 'endpoints[0].ports must be a non-empty array of strings');
  assert.equal(problem(validateBindResponse({ metadata: { expires_at: 'tomorrow' } })), 'metadata.expires_at must be an ISO 8601 time');
});

test('validateGetInstanceResponse() checks parameters and maintenance_info', () => {
  assert.equal(validateGetInstanceResponse({ service_id: 's', parameters: { a: 1 }, maintenance_info: { version: '1.0.0' } }).ok, true);
  assert.equal(problem(validateGetInstanceResponse({ parameters: 'x' })), 'parameters must be an object');
});

test('validateLastOperation() requires one of the three states', () => {
  assert.equal(validateLastOperation({ state: 'in progress' }).ok, true);
  assert.equal(problem(validateLastOperation({})), 'state is missing');
  assert.equal(problem(validateLastOperation({ state: 'done' })), 'state must be "in progress", "succeeded" or "failed", not "done"');
  assert.equal(problem(validateLastOperation({ state: 'failed', instance_usable: 'no' })), 'instance_usable must be a boolean');
});

test('readErrorBody() keeps only well-typed, non-empty fields', () => {
  assert.deepEqual(readErrorBody('{"error":"AsyncRequired","description":"d","instance_usable":false,"update_repeatable":true,"x":1}'), {
    error: 'AsyncRequired',
    description: 'd',
    instance_usable: false,
    update_repeatable: true,
  });
  assert.deepEqual(readErrorBody('{"error":"","description":5}'), {});
  assert.deepEqual(readErrorBody('<html>'), {});
});
