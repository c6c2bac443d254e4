// The examples/catalog/postgresql manifests, applied as they are (but for the broker's address) to an API
// server with the catalog controllers, against Wharf's PostgreSQL broker and a real PostgreSQL server.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/api/index.js';
import { startPostgresqlBroker, type PostgresqlBroker } from '../../../src/catalog/brokers/index.js';
import { catalogBindingController } from '../../../src/catalog/controllers/binding/index.js';
import { catalogBrokerController } from '../../../src/catalog/controllers/broker/index.js';
import { catalogInstanceController } from '../../../src/catalog/controllers/instance/index.js';
import { eventually, startCluster, type Cluster } from '../../controllers/fixtures.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../../support/postgres.js';
import { cr, fastSettings } from '../controllers/fixtures.js';

const skip = postgresSkipReason();
/** The repository's top folder (the one with package.json), from sources or from dist/. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
const dir = path.join(repoRoot(), 'examples', 'catalog', 'postgresql');

function manifests(file: string, brokerUrl: string): KubeObject[] {
  const text = readFileSync(path.join(dir, file), 'utf8').replace('http://127.0.0.1:8443', brokerUrl);
  return parseAllDocuments(text).map((d) => d.toJSON() as KubeObject);
}

const resourceOf = (obj: KubeObject) =>
  ({ Secret: cr.secrets, ClusterServiceBroker: cr.clusterServiceBrokers, ServiceInstance: cr.serviceInstances, ServiceBinding: cr.serviceBindings })[obj.kind!]!;

let server: PostgresServer | undefined;
let broker: PostgresqlBroker | undefined;
let cluster: Cluster | undefined;

before(async () => {
  if (skip) return;
  server = await startPostgres();
  // The credentials the example's Secret holds.
  broker = await startPostgresqlBroker({ pgUrl: server.url, auth: { username: 'broker', password: 's3cret' } });
  cluster = await startCluster([catalogBrokerController, catalogInstanceController, catalogBindingController], fastSettings);
});

after(async () => {
  await cluster?.close();
  await broker?.close();
  await server?.stop();
});

test('examples/catalog/postgresql: the broker with its auth Secret, a database and a binding whose Secret logs in', { skip }, async () => {
  const c = cluster!;
  for (const obj of manifests('broker.yaml', broker!.url)) await c.client.create(resourceOf(obj), obj);
  await eventually(async () => (await c.client.list(cr.clusterServicePlans)).items.length === 2, 15_000, 'the plans of the PostgreSQL broker');
  for (const file of ['instance.yaml', 'binding.yaml']) for (const obj of manifests(file, broker!.url)) await c.client.create(resourceOf(obj), obj);
  const secret = await eventually(async () => {
    try {
      return await c.client.get(cr.secrets, 'orders-db-credentials', { namespace: 'default' });
    } catch {
      return undefined;
    }
  }, 30_000, 'the binding Secret');
  const data = secret.data as Record<string, string>;
  const url = Buffer.from(data.DATABASE_URL, 'base64').toString('utf8');
  assert.match(url, /^postgresql:\/\//);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('CREATE TABLE orders (id serial PRIMARY KEY, item text)');
    await db.query("INSERT INTO orders (item) VALUES ('anchor')");
    assert.equal((await db.query('SELECT item FROM orders')).rows[0].item, 'anchor');
    // The example's parameters reached the server: pgcrypto is there.
    assert.equal((await db.query("SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto'")).rowCount, 1);
  } finally {
    await db.end();
  }

  await c.client.delete(cr.serviceBindings, 'orders-app', { namespace: 'default' });
  await c.client.delete(cr.serviceInstances, 'orders-db', { namespace: 'default' });
  const admin = new pg.Client({ connectionString: server!.url });
  await admin.connect();
  try {
    await eventually(async () => (await admin.query("SELECT 1 FROM pg_database WHERE datname LIKE 'wharf\\_%'")).rowCount === 0, 30_000, 'the database dropped');
  } finally {
    await admin.end();
  }
});
