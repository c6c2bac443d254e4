import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createJoinCommand, nodeKubeconfig } from '../../src/cli/join-command.js';
import { renderKubeconfig } from '../../src/cli/kubeconfig.js';

test('nodeKubeconfig() passes a kubeconfig through and asks for the whole token triple', async () => {
  assert.equal(await nodeKubeconfig({ name: 'n1', kubeconfig: '/etc/wharf/node.conf' }), '/etc/wharf/node.conf');
  await assert.rejects(nodeKubeconfig({ name: 'n1' }), /needs --kubeconfig, or --server, --token and --ca-cert-hash/);
  await assert.rejects(nodeKubeconfig({ name: 'n1', token: 'abcdef.0123456789abcdef', server: 'https://10.0.0.1:6443' }), /needs --server and --ca-cert-hash/);
});

test('createJoinCommand() refuses a plain-HTTP kubeconfig and a malformed --ttl before writing anything', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-join-unit-'));
  try {
    const plain = path.join(dir, 'plain');
    writeFileSync(plain, renderKubeconfig({ server: 'http://127.0.0.1:1' }));
    await assert.rejects(createJoinCommand({ kubeconfig: plain }), /names no certificate authority/);
    const tls = path.join(dir, 'tls');
    writeFileSync(tls, renderKubeconfig({ server: 'https://127.0.0.1:1', caPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n' }));
    await assert.rejects(createJoinCommand({ kubeconfig: tls, ttl: 'soon' }), RangeError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
