import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsbClient } from '../../../src/catalog/osb/index.js';
import { selfSignedServingCertificate } from '../../../src/node/server/serving-certificate.js';
import { osbAuthorized, routeOsbRequest, startOsbServer, type OsbRequest } from '../../../src/catalog/brokers/osb-http-server.js';

test('routeOsbRequest() names each OSB endpoint and its ids, and nothing else', () => {
  assert.deepEqual(routeOsbRequest('GET', '/v2/catalog'), { endpoint: 'catalog', instanceId: '', bindingId: '' });
  assert.deepEqual(routeOsbRequest('PUT', '/v2/service_instances/a%2Fb'), { endpoint: 'provision', instanceId: 'a/b', bindingId: '' });
  assert.equal(routeOsbRequest('PATCH', '/v2/service_instances/i')?.endpoint, 'update');
  assert.equal(routeOsbRequest('DELETE', '/v2/service_instances/i')?.endpoint, 'deprovision');
  assert.equal(routeOsbRequest('GET', '/v2/service_instances/i/last_operation')?.endpoint, 'lastOperation');
  assert.deepEqual(routeOsbRequest('PUT', '/v2/service_instances/i/service_bindings/b'), { endpoint: 'bind', instanceId: 'i', bindingId: 'b' });
  assert.equal(routeOsbRequest('GET', '/v2/service_instances/i/service_bindings/b/last_operation')?.endpoint, 'lastBindingOperation');
  assert.equal(routeOsbRequest('POST', '/v2/catalog'), undefined);
  assert.equal(routeOsbRequest('GET', '/v3/catalog'), undefined);
  assert.equal(routeOsbRequest('PUT', '/v2/service_instances/%E0'), undefined);
});

test('osbAuthorized() accepts exactly the configured basic or bearer credentials', () => {
  const basic = { basic: { username: 'u', password: 'p' } };
  assert.equal(osbAuthorized(basic, `Basic ${Buffer.from('u:p').toString('base64')}`), true);
  assert.equal(osbAuthorized(basic, `Basic ${Buffer.from('u:x').toString('base64')}`), false);
  assert.equal(osbAuthorized(basic, undefined), false);
  assert.equal(osbAuthorized({ bearer: { token: 't' } }, 'Bearer t'), true);
  assert.equal(osbAuthorized(undefined, undefined), true);
});

test('startOsbServer() checks version, auth and JSON before the handler, and echoes the request identity', async () => {
  const seen: OsbRequest[] = [];
  const server = await startOsbServer({
    auth: { basic: { username: 'u', password: 'p' } },
    handler: async (req) => {
      seen.push(req);
      return { status: 201, body: { ok: true } };
    },
  });
  try {
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const put = (headers: Record<string, string>, body = '{"service_id":"s"}') =>
      fetch(`${server.url}/v2/service_instances/i?accepts_incomplete=true`, { method: 'PUT', headers, body });
    assert.equal((await put({ authorization: auth })).status, 412);
    assert.equal((await put({ authorization: auth, 'x-broker-api-version': '2.13' })).status, 412);
    assert.equal((await put({ 'x-broker-api-version': '2.17' })).status, 401);
    assert.equal((await put({ authorization: auth, 'x-broker-api-version': '2.17' }, '{nope')).status, 400);
    assert.equal(seen.length, 0);
    const identity = `kubernetes ${Buffer.from(JSON.stringify({ username: 'alice' })).toString('base64')}`;
    const ok = await put({ authorization: auth, 'x-broker-api-version': '2.17', 'x-broker-api-request-identity': 'req-1', 'x-broker-api-originating-identity': identity });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('x-broker-api-request-identity'), 'req-1');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].endpoint, 'provision');
    assert.equal(seen[0].query.get('accepts_incomplete'), 'true');
    assert.deepEqual(seen[0].body, { service_id: 's' });
    assert.deepEqual(seen[0].originatingIdentity, { platform: 'kubernetes', value: { username: 'alice' } });
    const missing = await fetch(`${server.url}/v2/nothing`, { headers: { authorization: auth, 'x-broker-api-version': '2.17' } });
    assert.equal(missing.status, 404);
  } finally {
    await server.close();
  }
});

test('startOsbServer() serves HTTPS that the OSB client reaches with the certificate as its CA bundle', async () => {
  const tls = await selfSignedServingCertificate(['127.0.0.1']);
  const server = await startOsbServer({ tls, auth: { basic: { username: 'u', password: 'p' } }, handler: async () => ({ status: 200, body: { services: [] } }) });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = new OsbClient({ url: server.url, auth: { basic: { username: 'u', password: 'p' } }, caBundle: tls.cert });
    const ok = await trusted.getCatalog();
    assert.equal(ok.kind, 'done');
    const untrusted = new OsbClient({ url: server.url, auth: { basic: { username: 'u', password: 'p' } } });
    const refused = await untrusted.getCatalog();
    assert.equal(refused.kind, 'failed');
  } finally {
    await server.close();
  }
});
