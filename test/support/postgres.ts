/**
 * A real PostgreSQL server for tests: Debian's postgresql binaries, a fresh cluster in a temporary
 * directory, listening only on 127.0.0.1 at a free port with its unix socket inside that directory.
 * The superuser `postgres` logs in over TCP with a password (scram-sha-256), so tests that check a
 * role's password really check it. `stop()` stops the server by its pid and removes the directory.
 *
 * @example
 * const skip = postgresSkipReason();
 * test('...', { skip }, async () => {
 *   const pg = await startPostgres();
 *   try { ... pg.url ... } finally { await pg.stop(); }
 * });
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';

export interface PostgresServer {
  host: string;
  port: number;
  /** The superuser's name (`postgres`). */
  user: string;
  password: string;
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  url: string;
  /** The temporary directory holding the cluster, its socket and its log. */
  dir: string;
  /** The postmaster's pid. */
  pid: number;
  /** Stops the server (immediate shutdown), then removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

const POSTGRES_USER = 'postgres';

/** The newest Debian PostgreSQL bin directory with initdb, pg_ctl and postgres, if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(path.join(bin, b)))) return bin;
  }
  return undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresAccount(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${POSTGRES_USER}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/** Why a PostgreSQL server cannot be started here, or undefined when it can. */
export function postgresSkipReason(): string | undefined {
  if (!postgresBinDir()) return 'PostgreSQL is not installed (Debian package postgresql: /usr/lib/postgresql/<version>/bin/initdb)';
  // initdb refuses to run as root; as root the server runs as the postgres account.
  if (isRoot() && !postgresAccount()) return 'running as root but there is no postgres account to run PostgreSQL as';
  if (isRoot() && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser to drop to the postgres account';
  return undefined;
}

function run(file: string, args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', POSTGRES_USER, '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, owner);
    else chownSync(full, owner.uid, owner.gid);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a PostgreSQL server for one test; throws with the server log when it cannot start. */
export async function startPostgres(): Promise<PostgresServer> {
  const reason = postgresSkipReason();
  if (reason) throw new Error(reason);
  const bin = postgresBinDir()!;
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  const logFile = path.join(dir, 'postgres.log');
  const password = randomBytes(12).toString('hex');
  let pid = 0;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (pid && alive(pid)) {
      await run(path.join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate', '-w', '-t', '30']).catch(() => undefined);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await mkdir(socketDir);
    await writeFile(path.join(dir, 'pwfile'), `${password}\n`);
    if (isRoot()) chownTree(dir, postgresAccount()!);
    await run(path.join(bin, 'initdb'), [
      '-D', data,
      '-U', POSTGRES_USER,
      '--pwfile', path.join(dir, 'pwfile'),
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    // Durability is not what these tests are about: skipping fsync keeps the shared machine responsive.
    const serverOptions = [
      `-p ${port}`,
      `-k ${socketDir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=100',
    ].join(' ');
    await run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start'], 90_000);
    pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const host = '127.0.0.1';
    return {
      host,
      port,
      user: POSTGRES_USER,
      password,
      url: `postgres://${POSTGRES_USER}:${password}@${host}:${port}/postgres`,
      dir,
      pid,
      stop,
    };
  } catch (e) {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // no log yet
    }
    await stop();
    throw new Error(`${(e as Error).message}${log ? `\nserver log:\n${log}` : ''}`);
  }
}
