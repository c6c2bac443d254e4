/** `wharf broker postgresql`: runs Wharf's PostgreSQL broker until SIGINT or SIGTERM. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

export interface PostgresqlBrokerFlags {
  listen: string;
  username: string;
  passwordFile: string;
  pgUrl: string;
  pgPasswordFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  credentialHost?: string;
  credentialPort?: number;
  asyncDelay: number;
  quiet?: boolean;
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) throw new InvalidArgumentError('must be HOST:PORT, e.g. 127.0.0.1:8443 (port 0 picks a free one)');
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function readSecretFile(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} file ${file}: ${(e as Error).message}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new Error(`the ${what} file ${file} is empty`);
  return value;
}

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

export async function runPostgresqlBroker(f: PostgresqlBrokerFlags, signal: AbortSignal): Promise<void> {
  const { host, port } = parseListen(f.listen);
  if (Boolean(f.tlsCert) !== Boolean(f.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
  let pgUrl = f.pgUrl;
  if (f.pgPasswordFile) {
    const url = new URL(pgUrl);
    url.password = encodeURIComponent(readSecretFile(f.pgPasswordFile, 'PostgreSQL password'));
    pgUrl = url.toString();
  }
  // Loaded here rather than at the top: every `wharf` command would otherwise load the PostgreSQL client.
  const { startPostgresqlBroker } = await import('../brokers/index.js');
  const broker = await startPostgresqlBroker({
    pgUrl,
    auth: { username: f.username, password: readSecretFile(f.passwordFile, 'broker password') },
    host,
    port,
    ...(f.tlsCert && f.tlsKey ? { tls: { cert: readFileSync(f.tlsCert), key: readFileSync(f.tlsKey) } } : {}),
    ...(f.credentialHost ? { credentialHost: f.credentialHost } : {}),
    ...(f.credentialPort !== undefined ? { credentialPort: f.credentialPort } : {}),
    asyncDelayMs: f.asyncDelay,
    ...(f.quiet ? {} : { log: (m: string) => console.log(m) }),
  });
  console.log(`PostgreSQL broker listening on ${broker.url}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await broker.close();
}

/** Adds `wharf broker postgresql` to the program. */
export function registerBrokerCommand(program: Command): void {
  const broker = program.command('broker').description("run one of Wharf's Open Service Broker API brokers");
  broker
    .command('postgresql')
    .description('an OSB 2.17 broker that provisions databases and login roles on a PostgreSQL server')
    .requiredOption('--listen <host:port>', 'where to serve the broker API', '127.0.0.1:8443')
    .requiredOption('--username <name>', 'the basic-auth user platforms must send')
    .requiredOption('--password-file <file>', 'file holding the basic-auth password')
    .requiredOption('--pg-url <url>', 'postgres://admin[:password]@host:port/postgres: a role that may create databases and roles')
    .option('--pg-password-file <file>', "file holding the PostgreSQL role's password (instead of putting it in --pg-url)")
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate')
    .option('--tls-key <file>', 'and this PEM key')
    .option('--credential-host <host>', 'host written into credentials (default: the host of --pg-url)')
    .option('--credential-port <port>', 'port written into credentials (default: the port of --pg-url)', whole)
    .option('--async-delay <ms>', 'hold asynchronous operations this long before they start (demonstrations, tests)', whole, 0)
    .option('--quiet', 'do not log each request')
    .action(async (f: PostgresqlBrokerFlags) => {
      const ac = new AbortController();
      process.once('SIGTERM', () => ac.abort());
      process.once('SIGINT', () => ac.abort());
      await runPostgresqlBroker(f, ac.signal);
      process.exit(0);
    });
}
