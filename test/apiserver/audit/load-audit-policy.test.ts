import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditPolicyError, loadAuditPolicy, parseAuditPolicy } from '../../../src/apiserver/audit/load-audit-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-audit-policy-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function problemOf(text: string): AuditPolicyError {
  try {
    parseAuditPolicy(text, 'policy.yaml');
  } catch (e) {
    assert.ok(e instanceof AuditPolicyError, String(e));
    return e;
  }
  assert.fail('the policy was accepted');
}

const full = `apiVersion: audit.k8s.io/v1
kind: Policy
metadata:
  name: wharf
omitStages: [RequestReceived]
omitManagedFields: true
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
      - group: ""
        resources: ["endpoints", "services", "services/status"]
  - level: None
    userGroups: ["system:nodes"]
    nonResourceURLs: ["/healthz*", "/version"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
        resourceNames: ["cfg"]
    namespaces: ["kube-system"]
    omitStages: [ResponseStarted]
    omitManagedFields: false
  - level: RequestResponse
`;

describe('loadAuditPolicy()', () => {
  test('reads every field of a YAML policy', () => {
    const policy = loadAuditPolicy(file('full.yaml', full));
    assert.deepEqual(policy, {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      omitManagedFields: true,
      rules: [
        { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
        { level: 'None', userGroups: ['system:nodes'], nonResourceURLs: ['/healthz*', '/version'] },
        {
          level: 'Metadata',
          namespaces: ['kube-system'],
          resources: [{ group: '', resources: ['secrets', 'configmaps'], resourceNames: ['cfg'] }],
          omitStages: ['ResponseStarted'],
          omitManagedFields: false,
        },
        { level: 'RequestResponse' },
      ],
    });
  });

  test('reads a JSON policy', () => {
    const json = JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', verbs: ['create'] }] }, null, 2);
    assert.deepEqual(loadAuditPolicy(file('p.json', json)).rules, [{ level: 'Metadata', verbs: ['create'] }]);
  });

  test('a missing file is an error naming it', () => {
    assert.throws(() => loadAuditPolicy(join(dir, 'absent.yaml')), /cannot read audit policy file ".*absent\.yaml"/);
  });

  test('a YAML syntax error names the file and the line', () => {
    const p = file('broken.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n    verbs: [get, list\n');
    assert.throws(
      () => loadAuditPolicy(p),
      (e: unknown) => {
        assert.ok(e instanceof AuditPolicyError);
        assert.match(e.message, new RegExp(`^invalid audit policy file "${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": line [56], column \\d+: `));
        return true;
      },
    );
  });

  test('a JSON syntax error names the line', () => {
    const p = file('broken.json', '{\n  "apiVersion": "audit.k8s.io/v1",\n  "kind": "Policy",\n  "rules": [ { "level": "Metadata" } ],,\n}\n');
    assert.throws(() => loadAuditPolicy(p), /broken\.json": line 4, column \d+: /);
  });
});

describe('parseAuditPolicy() finds the line of a semantic error', () => {
  test('an unknown level points at the rule\'s level', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n  - level: Verbose\n    verbs: [get]\n');
    assert.equal(e.line, 5);
    assert.equal(
      e.message,
      'invalid audit policy file "policy.yaml": line 5, column 12: rules[1].level: Unsupported value: "Verbose": supported values: "None", "Metadata", "Request", "RequestResponse"',
    );
  });

  test('a rule without a level points at the rule', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n  - verbs: [get]\n');
    assert.equal(e.line, 5);
    assert.match(e.message, /rules\[1\]\.level: Required value/);
  });

  test('an unknown omitStages entry, in a rule and in the policy', () => {
    const inRule = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    omitStages:\n      - RequestReceived\n      - Started\n');
    assert.equal(inRule.line, 7);
    assert.match(inRule.message, /rules\[0\]\.omitStages\[1\]: Invalid value: "Started": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic/);
    const inPolicy = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Done]\nrules:\n  - level: None\n');
    assert.equal(inPolicy.line, 3);
  });

  test('non-resource URLs must start with / and have * only at the end', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    nonResourceURLs:\n      - healthz\n      - /a*/b\n');
    assert.deepEqual(e.problems.map((p) => p.line), [6, 7]);
    assert.match(e.message, /must begin with a '\/' character/);
    assert.match(e.message, /wildcards '\*' must be the final character of the rule/);
  });

  test('a rule cannot mix resources and non-resource URLs', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    namespaces: [default]\n    nonResourceURLs: [/api]\n');
    assert.equal(e.line, 6);
    assert.match(e.message, /rules cannot apply to both regular resources and non-resource URLs/);
  });

  test('a group must be a DNS subdomain, and resourceNames need resources', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources:\n      - group: apps/v1\n      - group: ""\n        resourceNames: [x]\n');
    assert.deepEqual(e.problems.map((p) => p.line), [6, 8]);
    assert.match(e.message, /rules\[0\]\.resources\[1\]\.resourceNames: Invalid value: using resourceNames requires at least one resource/);
  });

  test('unknown fields are errors, so a misspelt selector cannot widen a rule', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    verb: [get]\n');
    assert.equal(e.line, 5);
    assert.match(e.message, /unknown field "rules\[0\]\.verb"/);
  });

  test('wrong kinds of values', () => {
    const e = problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    users: alice\n    omitManagedFields: "yes"\n');
    assert.deepEqual(e.problems.map((p) => p.line), [5, 6]);
  });

  test('apiVersion, kind and at least one rule are required', () => {
    assert.match(problemOf('kind: Policy\nrules: [{level: None}]\n').message, /line 1, column 1: apiVersion: Required value/);
    assert.match(problemOf('apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n').message, /line 1, column 13: apiVersion: Unsupported value: "audit.k8s.io\/v1beta1"/);
    assert.match(problemOf('apiVersion: audit.k8s.io/v1\nkind: Pollicy\nrules: [{level: None}]\n').message, /line 2, column 7: kind: Unsupported value/);
    assert.match(problemOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n').message, /line 3, column 8: rules: Required value/);
    assert.match(problemOf('').message, /line 1, column 1: the file holds no Policy/);
  });
});
