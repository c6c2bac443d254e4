// End to end with kubectl and `wharf catalog`: `wharf up`, Wharf's PostgreSQL broker (`wharf broker
// postgresql`) and a real PostgreSQL server. Register the broker, see its classes and plans, provision a
// database, bind it, connect with the credentials from the Secret and write a row, unbind (role gone),
// deprovision (database gone); the asynchronous plan goes the same way through kubectl apply and delete.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { onPath } from '../support/registry.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres.js';
import { kubectl, startCluster, tempDataDir, type CommandResult, type RunningCluster } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The `wharf` entry point: compiled JS under dist, TypeScript under tsx (as the harness finds it). */
const mainModule = path.resolve(here, '../../src/cli/main' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));
const nodeArgs = process.execArgv.filter((a) => !a.startsWith('--test'));

const skip = postgresSkipReason() ?? (onPath('kubectl') ? undefined : 'kubectl is not installed');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `wharf ...`; never throws for a non-zero exit. */
function wharf(args: string[], timeoutMs = 180_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, mainModule, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Starts `wharf broker postgresql` on a free port and waits until it says where it listens. */
async function startBroker(args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [...nodeArgs, mainModule, 'broker', 'postgresql', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wharf broker postgresql did not start in time:\n${output}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wharf broker postgresql exited with ${code}:\n${output}`));
    });
  });
  return { url, child, output: () => output };
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('PostgreSQL through the service catalog, with kubectl and wharf catalog against wharf up', { skip }, () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let cluster: RunningCluster;
  let broker: { url: string; child: ChildProcess; output: () => string };
  let cleanup: () => void;
  let dir: string;

  const exists = async (sql: string, value: string) => ((await admin.query(sql, [value])).rowCount ?? 0) > 0;
  const kc = (args: string[], input?: string) => kubectl(cluster, args, input);
  const catalog = (args: string[]) => wharf(['catalog', ...args, '--kubeconfig', cluster.kubeconfig]);

  before(async () => {
    ({ dir, cleanup } = tempDataDir());
    server = await startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const passwordFile = path.join(dir, 'broker-password');
    writeFileSync(passwordFile, 'broker-secret\n');
    [cluster, broker] = await Promise.all([
      startCluster(path.join(dir, 'cluster')),
      startBroker(['--listen', '127.0.0.1:0', '--username', 'broker', '--password-file', passwordFile, '--pg-url', server.url, '--async-delay', '1000']),
    ]);
  });

  after(async () => {
    await cluster?.stop();
    await stopChild(broker?.child);
    await admin?.end().catch(() => undefined);
    await server?.stop();
    cleanup?.();
  });

  test('register, marketplace, provision, bind, write a row, unbind, deprovision', async () => {
    const applied = await kc(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Secret
metadata:
  name: postgresql-broker-auth
  namespace: default
stringData:
  username: broker
  password: broker-secret
---
apiVersion: servicecatalog.k8s.io/v1beta1
kind: ClusterServiceBroker
metadata:
  name: postgresql
spec:
  url: ${broker.url}
  authInfo:
    basic:
      secretRef:
        namespace: default
        name: postgresql-broker-auth
`,
    );
    assert.equal(applied.code, 0, applied.stderr);

    await waitFor('the postgresql plans', async () => {
      const r = await kc(['get', 'clusterserviceplans', '-o', 'jsonpath={.items[*].spec.externalName}']);
      return r.stdout.split(' ').sort().join(',') === 'standard,standard-async';
    });
    const classes = await kc(['get', 'clusterserviceclasses']);
    assert.match(classes.stdout, /postgresql\s+postgresql/);
    const market = await catalog(['marketplace']);
    assert.equal(market.code, 0, market.stderr);
    assert.match(market.stdout, /^postgresql\s+standard, standard-async\s+A PostgreSQL database/m);

    // A schema violation is refused by the broker and shows as Failed, with the broker's words.
    const bad = await catalog(['provision', 'bad', '--class', 'postgresql', '--plan', 'standard', '--params-json', '{"connectionLimit":"many"}', '--wait', '--timeout', '2m']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /serviceinstance "bad" failed: .*parameters\.connectionLimit must be of type integer/);
    assert.equal((await catalog(['deprovision', 'bad', '--wait', '--timeout', '2m'])).code, 0);

    const provisioned = await catalog(['provision', 'db', '--class', 'postgresql', '--plan', 'standard', '--params-json', '{"extensions":["pgcrypto"]}', '-p', 'connectionLimit=10', '--wait', '--timeout', '2m']);
    assert.equal(provisioned.code, 0, provisioned.stderr);
    assert.match(provisioned.stdout, /serviceinstance "db" is Ready/);
    const instances = await catalog(['get', 'instances']);
    assert.match(instances.stdout, /^db\s+default\s+postgresql\s+standard\s+Ready\s/m);

    const bound = await catalog(['bind', 'db', '--secret-name', 'db-credentials', '--wait', '--timeout', '2m']);
    assert.equal(bound.code, 0, bound.stderr);
    const secret = await kc(['get', 'secret', 'db-credentials', '-o', 'json']);
    assert.equal(secret.code, 0, secret.stderr);
    const data = (JSON.parse(secret.stdout) as { data: Record<string, string> }).data;
    const creds = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    for (const key of ['host', 'port', 'database', 'username', 'password', 'uri']) assert.ok(creds[key], `the Secret has ${key}`);
    assert.equal(creds.port, String(server.port));
    assert.ok(await exists('SELECT 1 FROM pg_database WHERE datname = $1', creds.database), 'the database exists');

    const app = new pg.Client({ host: creds.host, port: Number(creds.port), user: creds.username, password: creds.password, database: creds.database });
    await app.connect();
    await app.query('CREATE TABLE visits (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz DEFAULT now())');
    await app.query('INSERT INTO visits DEFAULT VALUES');
    assert.equal((await app.query('SELECT count(*)::int AS n FROM visits')).rows[0].n, 1);
    await app.end();

    const described = await catalog(['describe', 'binding', 'db']);
    assert.match(described.stdout, /^ {2}uri\s+\d+ bytes$/m);
    assert.doesNotMatch(described.stdout, new RegExp(creds.password));

    const unbound = await catalog(['unbind', 'db', '--wait', '--timeout', '2m']);
    assert.equal(unbound.code, 0, unbound.stderr);
    assert.equal(await exists('SELECT 1 FROM pg_roles WHERE rolname = $1', creds.username), false, 'the binding role is gone');
    const late = new pg.Client({ connectionString: creds.uri });
    await assert.rejects(late.connect(), /password authentication failed|does not exist/);
    await waitFor('the Secret to go', async () => (await kc(['get', 'secret', 'db-credentials'])).code !== 0);

    const deprovisioned = await catalog(['deprovision', 'db', '--wait', '--timeout', '2m']);
    assert.equal(deprovisioned.code, 0, deprovisioned.stderr);
    assert.equal(await exists('SELECT 1 FROM pg_database WHERE datname = $1', creds.database), false, 'the database is gone');
  });

  test('the asynchronous plan through kubectl apply and kubectl delete', async () => {
    const applied = await kc(
      ['apply', '-f', '-'],
      `apiVersion: servicecatalog.k8s.io/v1beta1
kind: ServiceInstance
metadata:
  name: db-async
  namespace: default
spec:
  clusterServiceClassExternalName: postgresql
  clusterServicePlanExternalName: standard-async
  parameters:
    connectionLimit: 5
`,
    );
    assert.equal(applied.code, 0, applied.stderr);
    let sawAsync = false;
    await waitFor('db-async to be Ready', async () => {
      const r = await kc(['get', 'serviceinstance', 'db-async', '-o', 'json']);
      const status = (JSON.parse(r.stdout || '{}') as { status?: { asyncOpInProgress?: boolean; lastConditionState?: string } }).status ?? {};
      if (status.asyncOpInProgress) sawAsync = true;
      return status.lastConditionState === 'Ready';
    });
    assert.ok(sawAsync || /last_operation/.test(broker.output()), 'the controller polled last_operation');
    const dbs = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datconnlimit = 5 AND datname LIKE $1', ['wharf_%']);
    assert.equal(dbs.rowCount, 1);
    const deleted = await kc(['delete', 'serviceinstance', 'db-async', '--wait=true', '--timeout=120s']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(await exists('SELECT 1 FROM pg_database WHERE datname = $1', dbs.rows[0].datname), false, 'the database is gone');
  });
});
