import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { ApiServer } from '../../src/apiserver/server.js';
import { MemoryStore } from '../../src/storage/index.js';

let server: ApiServer;
let base: string;

before(async () => {
  server = new ApiServer({ store: new MemoryStore() });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});
after(() => server.close());

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  assert.ok(line, `metric ${name} is exported`);
  return Number(line.split(' ').pop());
}

test('/metrics shows 100 watchers of pods costing no more storage watches than none', async () => {
  const before = await metric('wharf_storage_watches');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from({ length: 100 }, () =>
      new Promise<void>((resolve, reject) => {
        const r = http.get(`${base}/api/v1/namespaces/default/pods?watch=true`, { agent }, (res) => {
          res.resume();
          resolve();
        });
        r.on('error', reject);
        requests.push(r);
      }),
    ),
  );
  assert.equal(await metric('apiserver_registered_watchers{group="",kind="Pod"}'), 100);
  assert.equal(await metric('wharf_storage_watches'), before);
  for (const r of requests) r.destroy();
  agent.destroy();
});

test('/metrics counts requests by verb, resource and code', async () => {
  const r = await fetch(`${base}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'counted' } }),
  });
  assert.equal(r.status, 201);
  await fetch(`${base}/api/v1/namespaces/default/configmaps/missing`);
  assert.equal(await metric('apiserver_request_total{verb="POST",group="",version="v1",resource="configmaps",subresource="",code="201"}'), 1);
  assert.equal(await metric('apiserver_request_total{verb="GET",group="",version="v1",resource="configmaps",subresource="",code="404"}'), 1);
});
