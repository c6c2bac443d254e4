import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  parsePostgresUrl,
  POSTGRESQL_SERVICE_ID,
  STANDARD_ASYNC_PLAN_ID,
  STANDARD_PLAN_ID,
  startPostgresqlBroker,
  type PostgresqlBroker,
} from '../../../../src/catalog/brokers/postgresql/index.js';
import { databaseName } from '../../../../src/catalog/brokers/postgresql/names.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../../../support/postgres.js';

const skip = postgresSkipReason();
const AUTH = { username: 'broker', password: 'broker-secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function osb(broker: PostgresqlBroker, method: string, path: string, body?: unknown, auth: { username: string; password: string } | null = AUTH): Promise<Answer> {
  const headers: Record<string, string> = { 'x-broker-api-version': '2.17', 'content-type': 'application/json' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const res = await fetch(broker.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

const provisionBody = (plan = STANDARD_PLAN_ID, parameters?: unknown) => ({
  service_id: POSTGRESQL_SERVICE_ID,
  plan_id: plan,
  context: { platform: 'kubernetes', namespace: 'default' },
  ...(parameters === undefined ? {} : { parameters }),
});
const ids = (plan = STANDARD_PLAN_ID) => `service_id=${POSTGRESQL_SERVICE_ID}&plan_id=${plan}`;

async function pollUntilDone(broker: PostgresqlBroker, instanceId: string, operation: string): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const a = await osb(broker, 'GET', `/v2/service_instances/${instanceId}/last_operation?operation=${encodeURIComponent(operation)}`);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    if (a.body.state !== 'in progress') return a;
    assert.ok(Date.now() < deadline, 'the operation did not finish in 30 s');
    await sleep(200);
  }
}

describe('PostgreSQL broker against a real PostgreSQL server', { skip }, () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let broker: PostgresqlBroker;

  const exists = async (sql: string, value: string) => ((await admin.query(sql, [value])).rowCount ?? 0) > 0;
  const databaseExists = (name: string) => exists('SELECT 1 FROM pg_database WHERE datname = $1', name);
  const roleExists = (name: string) => exists('SELECT 1 FROM pg_roles WHERE rolname = $1', name);
  const connectAs = async (creds: Record<string, unknown>) => {
    const c = new pg.Client({ connectionString: String(creds.uri) });
    await c.connect();
    return c;
  };

  before(async () => {
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    broker = await startPostgresqlBroker({ pgUrl: server.url, auth: AUTH, asyncDelayMs: 600, retryAfterSeconds: 1 });
  });

  after(async () => {
    await broker?.close();
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  test('the catalog offers postgresql with a synchronous and an asynchronous plan and their parameter schemas', async () => {
    const a = await osb(broker, 'GET', '/v2/catalog');
    assert.equal(a.status, 200);
    const services = a.body.services as { name: string; plans: { name: string; schemas: { service_instance: { create: { parameters: { properties: object } } } } }[] }[];
    assert.equal(services[0].name, 'postgresql');
    assert.deepEqual(services[0].plans.map((p) => p.name), ['standard', 'standard-async']);
    assert.deepEqual(Object.keys(services[0].plans[0].schemas.service_instance.create.parameters.properties), ['extensions', 'connectionLimit']);
  });

  test('requests without the right basic credentials get 401; without the API version header 412', async () => {
    assert.equal((await osb(broker, 'GET', '/v2/catalog', undefined, null)).status, 401);
    const wrong = await osb(broker, 'GET', '/v2/catalog', undefined, { username: 'broker', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
    const res = await fetch(`${broker.url}/v2/catalog`, { headers: { authorization: `Basic ${Buffer.from('broker:broker-secret').toString('base64')}` } });
    assert.equal(res.status, 412);
  });

  test('provision creates the database; bind gives credentials that log in and write; unbind drops the role; deprovision drops the database', async () => {
    const p = await osb(broker, 'PUT', '/v2/service_instances/inst-1', provisionBody(STANDARD_PLAN_ID, { extensions: ['pgcrypto'], connectionLimit: 20 }));
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const database = databaseName('inst-1');
    const dbs = await admin.query<{ datconnlimit: number }>('SELECT datconnlimit FROM pg_database WHERE datname = $1', [database]);
    assert.equal(dbs.rowCount, 1);
    assert.equal(dbs.rows[0].datconnlimit, 20);

    // The same request again is 200; a different one with the same id is 409.
    assert.equal((await osb(broker, 'PUT', '/v2/service_instances/inst-1', provisionBody(STANDARD_PLAN_ID, { extensions: ['pgcrypto'], connectionLimit: 20 }))).status, 200);
    assert.equal((await osb(broker, 'PUT', '/v2/service_instances/inst-1', provisionBody(STANDARD_PLAN_ID, { connectionLimit: 5 }))).status, 409);

    const b = await osb(broker, 'PUT', '/v2/service_instances/inst-1/service_bindings/bind-1', provisionBody());
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const creds = b.body.credentials as Record<string, unknown>;
    assert.deepEqual(Object.keys(creds).sort(), ['database', 'host', 'password', 'port', 'uri', 'username']);
    assert.equal(creds.database, database);
    assert.equal(creds.host, '127.0.0.1');
    assert.equal(creds.port, server.port);

    const app = await connectAs(creds);
    await app.query('CREATE TABLE notes (id serial PRIMARY KEY, body text)');
    await app.query("INSERT INTO notes (body) VALUES ('hello')");
    assert.equal((await app.query("SELECT gen_random_uuid() AS id")).rowCount, 1, 'pgcrypto is there');
    await app.end();

    // A second binding sees the first one's table (both act as the owner), then the first goes.
    const b2 = await osb(broker, 'PUT', '/v2/service_instances/inst-1/service_bindings/bind-2', provisionBody());
    assert.equal(b2.status, 201);
    const creds2 = b2.body.credentials as Record<string, unknown>;
    assert.notEqual(creds2.username, creds.username);
    const fetched = await osb(broker, 'GET', '/v2/service_instances/inst-1/service_bindings/bind-1');
    assert.deepEqual(fetched.body.credentials, creds);

    const wrongPassword = new pg.Client({ host: '127.0.0.1', port: server.port, user: String(creds.username), password: 'wrong', database });
    await assert.rejects(wrongPassword.connect(), /password authentication failed/);

    const held = await connectAs(creds);
    held.on('error', () => undefined);
    const u = await osb(broker, 'DELETE', `/v2/service_instances/inst-1/service_bindings/bind-1?${ids()}`);
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(await roleExists(String(creds.username)), false);
    await assert.rejects(connectAs(creds), /password authentication failed|does not exist/);
    await held.end().catch(() => undefined);
    assert.equal((await osb(broker, 'DELETE', `/v2/service_instances/inst-1/service_bindings/bind-1?${ids()}`)).status, 410);

    const other = await connectAs(creds2);
    assert.deepEqual((await other.query('SELECT body FROM notes')).rows, [{ body: 'hello' }]);
    await other.end();

    const d = await osb(broker, 'DELETE', `/v2/service_instances/inst-1?${ids()}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal(await databaseExists(database), false);
    assert.equal(await roleExists(String(creds2.username)), false, 'remaining binding roles go with the instance');
    assert.equal((await osb(broker, 'DELETE', `/v2/service_instances/inst-1?${ids()}`)).status, 410);
  });

  test('the asynchronous plan answers 202 and last_operation reports in progress, then succeeded', async () => {
    const refused = await osb(broker, 'PUT', '/v2/service_instances/inst-async', provisionBody(STANDARD_ASYNC_PLAN_ID));
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error, 'AsyncRequired');

    const p = await osb(broker, 'PUT', '/v2/service_instances/inst-async?accepts_incomplete=true', provisionBody(STANDARD_ASYNC_PLAN_ID));
    assert.equal(p.status, 202, JSON.stringify(p.body));
    const op = String(p.body.operation);
    const first = await osb(broker, 'GET', `/v2/service_instances/inst-async/last_operation?operation=${op}`);
    assert.equal(first.body.state, 'in progress');
    assert.equal(first.headers.get('retry-after'), '1');
    assert.equal((await osb(broker, 'PUT', '/v2/service_instances/inst-async?accepts_incomplete=true', provisionBody(STANDARD_ASYNC_PLAN_ID))).status, 202);
    const getting = await osb(broker, 'GET', '/v2/service_instances/inst-async');
    assert.equal(getting.status, 404, 'an instance being provisioned cannot be fetched yet');
    assert.equal((await pollUntilDone(broker, 'inst-async', op)).body.state, 'succeeded');
    const fetched = await osb(broker, 'GET', '/v2/service_instances/inst-async');
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.plan_id, STANDARD_ASYNC_PLAN_ID);
    const database = (fetched.body.metadata as { labels: { database: string } }).labels.database;
    assert.equal(await databaseExists(database), true);

    const d = await osb(broker, 'DELETE', `/v2/service_instances/inst-async?accepts_incomplete=true&${ids(STANDARD_ASYNC_PLAN_ID)}`);
    assert.equal(d.status, 202);
    assert.equal((await pollUntilDone(broker, 'inst-async', String(d.body.operation))).body.state, 'succeeded');
    assert.equal(await databaseExists(database), false);
  });

  test('parameters that do not fit the schema are refused with 400 and a description naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ extensions: ['postgis_magic'] }, /parameters\.extensions\[0\] must be one of/],
      [{ extensions: 'pgcrypto' }, /parameters\.extensions must be of type array/],
      [{ connectionLimit: 5000 }, /parameters\.connectionLimit must be at most 1000/],
      [{ connectionLimit: 1.5 }, /parameters\.connectionLimit must be of type integer/],
      [{ size: 3 }, /parameters\.size is not allowed/],
      ['text', /parameters must be of type object/],
    ];
    for (const [parameters, message] of cases) {
      const a = await osb(broker, 'PUT', '/v2/service_instances/inst-bad', provisionBody(STANDARD_PLAN_ID, parameters));
      assert.equal(a.status, 400, JSON.stringify(parameters));
      assert.match(String(a.body.description), message);
    }
    const badBind = await osb(broker, 'PUT', '/v2/service_instances/none/service_bindings/b', { ...provisionBody(), parameters: { admin: true } });
    assert.equal(badBind.status, 400);
    assert.match(String(badBind.body.description), /parameters\.admin is not allowed/);
    const unknownPlan = await osb(broker, 'PUT', '/v2/service_instances/inst-bad', provisionBody('no-such-plan'));
    assert.equal(unknownPlan.status, 400);
    assert.equal(await databaseExists(databaseName('inst-bad')), false, 'nothing was created');
  });

  test('an update changes the connection limit and adds extensions', async () => {
    assert.equal((await osb(broker, 'PUT', '/v2/service_instances/inst-up', provisionBody())).status, 201);
    const u = await osb(broker, 'PATCH', '/v2/service_instances/inst-up', { service_id: POSTGRESQL_SERVICE_ID, parameters: { connectionLimit: 7, extensions: ['hstore'] } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    const fetched = await osb(broker, 'GET', '/v2/service_instances/inst-up');
    const database = (fetched.body.metadata as { labels: { database: string } }).labels.database;
    const limit = await admin.query<{ datconnlimit: number }>('SELECT datconnlimit FROM pg_database WHERE datname = $1', [database]);
    assert.equal(limit.rows[0].datconnlimit, 7);
    const removing = await osb(broker, 'PATCH', '/v2/service_instances/inst-up', { service_id: POSTGRESQL_SERVICE_ID, parameters: {} });
    assert.equal(removing.status, 400);
    assert.match(String(removing.body.description), /cannot be removed.*hstore/);
    assert.equal((await osb(broker, 'DELETE', `/v2/service_instances/inst-up?${ids()}`)).status, 200);
  });

  test('a restarted broker keeps its instances and bindings, and finishes an operation cut short', async () => {
    assert.equal((await osb(broker, 'PUT', '/v2/service_instances/inst-keep', provisionBody())).status, 201);
    const b = await osb(broker, 'PUT', '/v2/service_instances/inst-keep/service_bindings/keep', provisionBody());
    assert.equal(b.status, 201);
    const p = await osb(broker, 'PUT', '/v2/service_instances/inst-cut?accepts_incomplete=true', provisionBody(STANDARD_ASYNC_PLAN_ID));
    assert.equal(p.status, 202);
    await broker.close(); // within the 600 ms delay: the provision has not started

    broker = await startPostgresqlBroker({ pgUrl: server.url, auth: AUTH, asyncDelayMs: 100, retryAfterSeconds: 1 });
    const again = await osb(broker, 'PUT', '/v2/service_instances/inst-keep/service_bindings/keep', provisionBody());
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.credentials, b.body.credentials);
    const app = await connectAs(b.body.credentials as Record<string, unknown>);
    assert.equal((await app.query('SELECT current_user')).rowCount, 1);
    await app.end();
    assert.equal((await pollUntilDone(broker, 'inst-cut', String(p.body.operation))).body.state, 'succeeded');
    assert.equal((await osb(broker, 'GET', '/v2/service_instances/inst-cut')).status, 200);
  });
});

describe('PostgreSQL broker as a role with CREATEDB and CREATEROLE but not superuser', { skip }, () => {
  let server: PostgresServer;
  let broker: PostgresqlBroker;
  let admin: pg.Client;

  before(async () => {
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query("CREATE ROLE broker_admin LOGIN CREATEDB CREATEROLE PASSWORD 'admin-pw'");
    await admin.query('GRANT pg_signal_backend TO broker_admin');
    await admin.query('GRANT CREATE ON DATABASE postgres TO broker_admin');
    broker = await startPostgresqlBroker({ pgUrl: `postgres://broker_admin:admin-pw@127.0.0.1:${server.port}/postgres`, auth: AUTH });
  });

  after(async () => {
    await broker?.close();
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  test('provision with an extension, bind, write, unbind and deprovision all work', async () => {
    const p = await osb(broker, 'PUT', '/v2/service_instances/np', provisionBody(STANDARD_PLAN_ID, { extensions: ['citext'] }));
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const b = await osb(broker, 'PUT', '/v2/service_instances/np/service_bindings/b', provisionBody());
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const creds = b.body.credentials as Record<string, unknown>;
    const app = new pg.Client({ connectionString: String(creds.uri) });
    app.on('error', () => undefined);
    await app.connect();
    await app.query('CREATE TABLE t (name citext)');
    await app.query("INSERT INTO t VALUES ('x')");
    const u = await osb(broker, 'DELETE', `/v2/service_instances/np/service_bindings/b?${ids()}`);
    assert.equal(u.status, 200, JSON.stringify(u.body));
    await app.end().catch(() => undefined);
    assert.equal((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [creds.username])).rowCount, 0);
    const d = await osb(broker, 'DELETE', `/v2/service_instances/np?${ids()}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName('np')])).rowCount, 0);
  });
});

test('parsePostgresUrl() reads user, password, host, port and database', () => {
  assert.deepEqual(parsePostgresUrl('postgres://admin:p%40ss@db.example:6543/main'), {
    host: 'db.example',
    port: 6543,
    database: 'main',
    user: 'admin',
    password: 'p@ss',
  });
  assert.deepEqual(parsePostgresUrl('postgresql://admin@[::1]/'), { host: '::1', port: 5432, database: 'postgres', user: 'admin' });
  assert.throws(() => parsePostgresUrl('mysql://x@y/z'), /must start with postgres:\/\//);
});
