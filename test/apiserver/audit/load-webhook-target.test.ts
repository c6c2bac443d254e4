import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebhookTarget } from '../../../src/apiserver/audit/load-webhook-target.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-audit-target-'));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('loadWebhookTarget() follows current-context to its cluster and user', () => {
  const p = write(
    'ctx.yaml',
    `apiVersion: v1
kind: Config
clusters:
  - name: other
    cluster: { server: "https://other.example:1" }
  - name: sink
    cluster:
      server: https://audit.example:8443/events
      certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
users:
  - name: other
    user: { token: wrong }
  - name: api
    user:
      client-certificate-data: ${Buffer.from('CERT PEM').toString('base64')}
      client-key-data: ${Buffer.from('KEY PEM').toString('base64')}
contexts:
  - name: hook
    context: { cluster: sink, user: api }
current-context: hook
`,
  );
  const t = loadWebhookTarget(p);
  assert.equal(t.url.href, 'https://audit.example:8443/events');
  assert.equal(t.ca?.toString(), 'CA PEM');
  assert.equal(t.cert?.toString(), 'CERT PEM');
  assert.equal(t.key?.toString(), 'KEY PEM');
  assert.equal(t.token, undefined);
  assert.equal(t.insecureSkipTLSVerify, false);
});

test('loadWebhookTarget() without a current context takes the first cluster and user, and reads files relative to the config', () => {
  mkdirSync(join(dir, 'pki'), { recursive: true });
  writeFileSync(join(dir, 'pki', 'ca.crt'), 'FILE CA');
  const p = write(
    'plain.yaml',
    `clusters:
  - name: sink
    cluster: { server: "http://127.0.0.1:9000/", certificate-authority: pki/ca.crt, insecure-skip-tls-verify: true }
users:
  - name: api
    user: { token: t0k3n }
`,
  );
  const t = loadWebhookTarget(p);
  assert.equal(t.url.href, 'http://127.0.0.1:9000/');
  assert.equal(t.ca?.toString(), 'FILE CA');
  assert.equal(t.token, 't0k3n');
  assert.equal(t.insecureSkipTLSVerify, true);
});

test('loadWebhookTarget() errors name the file and the problem', () => {
  assert.throws(() => loadWebhookTarget(join(dir, 'absent.yaml')), /invalid audit webhook config file ".*absent\.yaml": ENOENT/);
  assert.throws(() => loadWebhookTarget(write('bad-yaml.yaml', 'clusters: [\n')), /invalid audit webhook config file ".*bad-yaml\.yaml": /);
  assert.throws(() => loadWebhookTarget(write('no-ctx.yaml', 'current-context: x\nclusters: []\n')), /context "x" not found/);
  assert.throws(() => loadWebhookTarget(write('ftp.yaml', 'clusters: [{name: a, cluster: {server: "ftp://h/"}}]\n')), /must be http or https/);
  assert.throws(() => loadWebhookTarget(write('missing-ca.yaml', 'clusters: [{name: a, cluster: {server: "https://h/", certificate-authority: nope.crt}}]\n')), /certificate-authority ".*nope\.crt"/);
});
