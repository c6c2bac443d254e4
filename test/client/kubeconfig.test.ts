import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeconfig, parseKubeconfig } from '../../src/client/kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const twoContexts = `apiVersion: v1
kind: Config
current-context: admin@wharf
clusters:
- name: wharf
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${b64('CA PEM')}
- name: lab
  cluster:
    server: https://lab:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT PEM')}
    client-key-data: ${b64('KEY PEM')}
- name: robot
  user:
    token: abc.def
contexts:
- name: admin@wharf
  context: { cluster: wharf, user: admin }
- name: robot@lab
  context: { cluster: lab, user: robot }
`;

test('parseKubeconfig() takes the current context: server, CA and client certificate data', () => {
  const c = parseKubeconfig(twoContexts, '/nowhere');
  assert.equal(c.baseUrl, 'https://10.0.0.1:6443');
  assert.equal(c.ca?.toString(), 'CA PEM');
  assert.equal(c.cert?.toString(), 'CERT PEM');
  assert.equal(c.key?.toString(), 'KEY PEM');
  assert.equal(c.token, undefined);
  assert.equal(c.insecureSkipTlsVerify, undefined);
});

test('parseKubeconfig() follows a named context: token and insecure-skip-tls-verify', () => {
  const c = parseKubeconfig(twoContexts, '/nowhere', 'robot@lab');
  assert.equal(c.baseUrl, 'https://lab:6443');
  assert.equal(c.token, 'abc.def');
  assert.equal(c.insecureSkipTlsVerify, true);
  assert.equal(c.ca, undefined);
});

test('parseKubeconfig() names what is missing', () => {
  assert.throws(() => parseKubeconfig(twoContexts, '/', 'nope'), /no context "nope"/);
  assert.throws(() => parseKubeconfig('apiVersion: v1\nkind: Config\n', '/'), /no current-context/);
  assert.throws(() => parseKubeconfig('current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]\n', '/'), /no cluster "gone"/);
});

test('loadKubeconfig() resolves certificate and token files against the kubeconfig directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-kubeconfig-'));
  try {
    writeFileSync(path.join(dir, 'ca.crt'), 'FILE CA');
    writeFileSync(path.join(dir, 'token'), 'file-token\n');
    writeFileSync(path.join(dir, 'config'), `current-context: c
clusters: [{ name: k, cluster: { server: "http://127.0.0.1:8080", certificate-authority: ca.crt } }]
users: [{ name: u, user: { tokenFile: token } }]
contexts: [{ name: c, context: { cluster: k, user: u } }]
`);
    const c = loadKubeconfig(path.join(dir, 'config'));
    assert.equal(c.ca?.toString(), 'FILE CA');
    assert.equal(c.token, 'file-token');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
