import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchingAuths, normalizeRegistryKey, parseDockerConfigJson } from '../../../../../src/node/runtimes/container/image/docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('parseDockerConfigJson() reads a kubernetes.io/dockerconfigjson Secret', () => {
  const config = {
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub:secret:with:colons') },
      'registry.example.com:5000': { username: 'u', password: 'p' },
      'http://10.0.0.1:5000/': { auth: b64('a:b') },
      'ghcr.io': { identitytoken: 'refresh' },
      broken: 'not an object',
    },
  };
  const auths = parseDockerConfigJson({ '.dockerconfigjson': b64(JSON.stringify(config)) });
  assert.deepEqual(auths, [
    { registry: 'docker.io', username: 'hub', password: 'secret:with:colons' },
    { registry: 'registry.example.com:5000', username: 'u', password: 'p' },
    { registry: '10.0.0.1:5000', username: 'a', password: 'b' },
    { registry: 'ghcr.io', identityToken: 'refresh' },
  ]);
});

test('parseDockerConfigJson() reads the legacy .dockercfg and ignores what it cannot parse', () => {
  assert.deepEqual(parseDockerConfigJson({ '.dockercfg': b64(JSON.stringify({ 'quay.io': { auth: b64('q:w') } })) }), [
    { registry: 'quay.io', username: 'q', password: 'w' },
  ]);
  assert.deepEqual(parseDockerConfigJson({ '.dockerconfigjson': b64('{not json') }), []);
  assert.deepEqual(parseDockerConfigJson({ other: b64('{}') }), []);
  assert.deepEqual(parseDockerConfigJson(JSON.stringify({ auths: { 'r.io': { auth: b64('nocolon') } } })), []);
});

test('normalizeRegistryKey() and matchingAuths() pick credentials for a repository', () => {
  assert.equal(normalizeRegistryKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeRegistryKey('R.Example.com/team/'), 'r.example.com/team');
  const auths = [
    { registry: 'r.example.com', username: 'all' },
    { registry: 'r.example.com/team', username: 'team' },
    { registry: '*.example.com', username: 'wild' },
    { registry: 'other.io', username: 'other' },
  ];
  assert.deepEqual(matchingAuths(auths, 'r.example.com', 'team/app').map((a) => a.username), ['team', 'all', 'wild']);
  assert.deepEqual(matchingAuths(auths, 'r.example.com', 'teammate/app').map((a) => a.username), ['all', 'wild']);
  assert.deepEqual(matchingAuths(auths, 'x.example.com', 'app').map((a) => a.username), ['wild']);
  assert.deepEqual(matchingAuths(auths, 'a.b.example.com', 'app'), []);
});
