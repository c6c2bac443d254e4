import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startExampleBroker, type ExampleBroker } from '../../src/catalog/brokers/index.js';
import { kubectl, repoRoot, startCluster, tempDataDir, type RunningCluster } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The examples/catalog manifests, with the broker's real address. */
function manifests(brokerUrl: string): string {
  const dir = path.join(repoRoot, 'examples', 'catalog');
  return ['broker.yaml', 'instance.yaml', 'binding.yaml']
    .map((f) => readFileSync(path.join(dir, f), 'utf8').replace('http://127.0.0.1:8999', brokerUrl))
    .join('\n---\n');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('service catalog with kubectl against wharf up', () => {
  let cluster: RunningCluster;
  let broker: ExampleBroker;
  let cleanup: () => void;

  before(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDataDir());
    broker = await startExampleBroker();
    cluster = await startCluster(dir);
  });

  after(async () => {
    await cluster?.stop();
    await broker?.close();
    cleanup?.();
  });

  test('kubectl apply of a broker, an instance and a binding provisions, binds and writes the Secret; delete cleans up the broker', async () => {
    const applied = await kubectl(cluster, ['apply', '-f', '-'], manifests(broker.url));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /clusterservicebroker\.servicecatalog\.k8s\.io\/example created/);
    assert.match(applied.stdout, /serviceinstance\.servicecatalog\.k8s\.io\/db created/);

    await waitFor('the instance to be Ready', async () => {
      const r = await kubectl(cluster, ['get', 'serviceinstances', 'db', '-o', 'jsonpath={.status.lastConditionState}']);
      return r.stdout === 'Ready';
    });
    const table = await kubectl(cluster, ['get', 'serviceinstances']);
    assert.match(table.stdout, /^NAME\s+CLASS\s+PLAN\s+STATUS\s+AGE/m);
    assert.match(table.stdout, /^db\s+ClusterServiceClass\/example-db\s+ClusterServicePlan\/small\s+Ready\s/m);
    const classes = await kubectl(cluster, ['get', 'clusterserviceclasses']);
    assert.match(classes.stdout, /example-db\s+example/);

    await waitFor('the binding Secret', async () => (await kubectl(cluster, ['get', 'secret', 'db-credentials'])).code === 0);
    const url = await kubectl(cluster, ['get', 'secret', 'db-credentials', '-o', 'jsonpath={.data.DATABASE_URL}']);
    assert.match(Buffer.from(url.stdout, 'base64').toString(), /^exampledb:\/\//);

    const explain = await kubectl(cluster, ['explain', 'serviceinstance.spec.deletionPolicy']);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /Orphan/);

    // A second apply changes nothing.
    const again = await kubectl(cluster, ['apply', '-f', '-'], manifests(broker.url));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /serviceinstance\.servicecatalog\.k8s\.io\/db unchanged/);

    const deleted = await kubectl(cluster, ['delete', 'servicebinding', 'db', '--wait=true', '--timeout=60s']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(broker.bindings().length, 0);
    const gone = await kubectl(cluster, ['delete', 'serviceinstance', 'db', '--wait=true', '--timeout=60s']);
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal(broker.instances().length, 0);
    await waitFor('the Secret to go', async () => (await kubectl(cluster, ['get', 'secret', 'db-credentials'])).code !== 0);
  });
});
