/**
 * Wharf's PostgreSQL broker: an OSB 2.17 broker over HTTP(S) with basic authentication that turns
 * service instances into databases and bindings into login roles on a PostgreSQL server it is given
 * as a superuser URL. Its state lives in that server (schema `wharf_broker`), so it may be stopped
 * and started again at any time.
 *
 * @example
 * const broker = await startPostgresqlBroker({
 *   pgUrl: 'postgres://postgres:secret@127.0.0.1:5432/postgres',
 *   auth: { username: 'broker', password: 'broker-secret' },
 * });
 * // register broker.url as a ClusterServiceBroker with a basic-auth Secret
 * await broker.close();
 */
import pg from 'pg';
import { DatabaseAdmin } from './database-admin.js';
import { startOsbServer } from '../osb-http-server.js';
import { PostgresqlHandlers } from './postgresql-handlers.js';
import { StateStore } from './state-store.js';

export interface PostgresqlBrokerOptions {
  /** `postgres://user[:password]@host[:port]/database[?sslmode=require]` of a role that may create databases and roles. */
  pgUrl: string;
  /** The credentials platforms must send (basic authentication). */
  auth: { username: string; password: string };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Host written into credentials; default the host of `pgUrl`. */
  credentialHost?: string;
  /** Port written into credentials; default the port of `pgUrl`. */
  credentialPort?: number;
  /** Wait this long before an asynchronous operation starts (for demonstrations and tests). Default 0. */
  asyncDelayMs?: number;
  /** Retry-After seconds on `in progress` answers. Default 2. */
  retryAfterSeconds?: number;
  /** Where to report requests and background failures; silent when absent. */
  log?: (message: string) => void;
}

export interface PostgresqlBroker {
  /** The address to register, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  /** Stops serving and waits for background operations (a later broker resumes those cut short). */
  close(): Promise<void>;
}

/** Connection settings of a `postgres://` or `postgresql://` URL, for pg. */
export function parsePostgresUrl(text: string): pg.ClientConfig & { host: string; port: number; database: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${JSON.stringify(text)} is not a URL (expected postgres://user@host:port/database)`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TypeError(`${JSON.stringify(text)} must start with postgres:// or postgresql://`);
  }
  if (!url.hostname) throw new TypeError(`${JSON.stringify(text)} names no host`);
  const sslmode = url.searchParams.get('sslmode');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    host,
    port: url.port ? Number(url.port) : 5432,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(sslmode && sslmode !== 'disable' ? { ssl: sslmode === 'require' ? { rejectUnauthorized: false } : true } : {}),
  };
}

export async function startPostgresqlBroker(opts: PostgresqlBrokerOptions): Promise<PostgresqlBroker> {
  const config = parsePostgresUrl(opts.pgUrl);
  const log = opts.log ?? (() => undefined);
  const pool = new pg.Pool({ ...config, max: 4 });
  // An idle connection the server closed must not take the broker down; the next query reconnects.
  pool.on('error', (e) => log(`PostgreSQL connection lost: ${e.message}`));
  const state = new StateStore(pool);
  const admin = new DatabaseAdmin(pool, config);
  try {
    await state.init();
  } catch (e) {
    await pool.end();
    throw new Error(`cannot prepare the broker's state in ${config.host}:${config.port}/${config.database}: ${(e as Error).message}`);
  }
  const handlers = new PostgresqlHandlers(state, admin, {
    credentialHost: opts.credentialHost ?? config.host,
    credentialPort: opts.credentialPort ?? config.port,
    asyncDelayMs: opts.asyncDelayMs ?? 0,
    retryAfterSeconds: opts.retryAfterSeconds ?? 2,
    log,
  });
  let server;
  try {
    server = await startOsbServer({
      handler: (req) => handlers.handle(req),
      auth: { basic: opts.auth },
      realm: 'wharf-postgresql-broker',
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
      onRequest: (method, path, status) => log(`${method} ${path} ${status}`),
    });
  } catch (e) {
    await pool.end();
    throw e;
  }
  await handlers.resume();
  const srv = server;
  return {
    url: srv.url,
    port: srv.port,
    close: async () => {
      await srv.close();
      await handlers.close();
      await pool.end();
    },
  };
}
