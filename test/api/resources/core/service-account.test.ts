import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceAccount } from '../../../../src/api/resources/core/service-account.js';

test('service account names are subdomains and the table counts secrets', () => {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' }, secrets: [{ name: 'x' }] };
  assert.deepEqual(serviceAccount.strategy.validate!(sa), []);
  assert.equal(serviceAccount.strategy.validate!({ ...sa, metadata: { name: 'Bad_Name', namespace: 'default' } })[0].field, 'metadata.name');
  assert.deepEqual(serviceAccount.printerColumns.map((c) => c.name), ['Secrets', 'Age']);
  assert.equal(serviceAccount.printerColumns[0].cell(sa, Date.now()), 1);
});
