import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditor } from '../../../src/apiserver/audit/create-auditor.js';
import { defaultAuditPolicy } from '../../../src/apiserver/audit/default-audit-policy.js';
import type { AuditEvent } from '../../../src/apiserver/audit/types.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-create-auditor-'));
const user = { username: 'admin', groups: ['system:masters'] };

test('createAuditor() without a policy file uses the default policy and writes the log it is given', async () => {
  const logPath = join(dir, 'data', 'audit', 'audit.log');
  const auditor = createAuditor({ logPath });
  assert.deepEqual(auditor.policy, defaultAuditPolicy());
  assert.equal(auditor.begin({ auditID: 'a-0', user, received: Date.now() }, { method: 'GET', uri: '/readyz', sourceIPs: ['127.0.0.1'], verb: 'get' }), undefined);
  const audit = auditor.begin({ auditID: 'a-1', user, received: Date.now() }, { method: 'GET', uri: '/api/v1/namespaces', sourceIPs: ['127.0.0.1'], verb: 'list', objectRef: { resource: 'namespaces', apiVersion: 'v1' } });
  audit?.complete(200);
  await auditor.close();
  const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);
  assert.deepEqual(lines.map((e) => [e.auditID, e.stage]), [['a-1', 'ResponseComplete']]);
});

test('createAuditor() loads the policy file, and a broken one throws naming the line', () => {
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Request\n');
  assert.equal(createAuditor({ policyFile: good }).policy.rules[0].level, 'Request');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Request\n  - level: Everything\n');
  assert.throws(() => createAuditor({ policyFile: bad }), /bad\.yaml": line 5, column 12: rules\[1\]\.level: Unsupported value: "Everything"/);
});
