/**
 * What the broker does on the PostgreSQL server, each step idempotent so that a retry or a restarted
 * broker finishes a half-done job: an instance is a database owned by its own login role; a binding
 * is a login role that is a member of the owner role and, inside that database, acts as the owner
 * (`ALTER ROLE ... IN DATABASE ... SET role`), so every binding sees and can change what the others
 * created, and dropping a binding's role never takes the application's tables with it.
 */
import pg from 'pg';

export interface InstanceSpec {
  database: string;
  ownerRole: string;
  ownerPassword: string;
  /** -1: no limit. */
  connectionLimit: number;
  extensions: string[];
}

const ident = (name: string): string => pg.escapeIdentifier(name);
const literal = (value: string): string => pg.escapeLiteral(value);

export class DatabaseAdmin {
  /**
   * @param pool connections as a superuser (or a role with CREATEDB and CREATEROLE) to the
   *   administrative database
   * @param config the same connection settings, to reach each instance's own database
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly config: pg.ClientConfig,
  ) {}

  /** Extensions the server can create (`pg_available_extensions`). */
  async availableExtensions(): Promise<Set<string>> {
    const r = await this.pool.query<{ name: string }>('SELECT name FROM pg_available_extensions');
    return new Set(r.rows.map((row) => row.name));
  }

  async roleExists(role: string): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    return r.rowCount !== 0;
  }

  async databaseExists(database: string): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return r.rowCount !== 0;
  }

  /** Creates (or completes) an instance's owner role, database and extensions. */
  async ensureInstance(spec: InstanceSpec): Promise<void> {
    await this.ensureLoginRole(spec.ownerRole, spec.ownerPassword);
    if (!(await this.databaseExists(spec.database))) {
      await this.pool.query(`CREATE DATABASE ${ident(spec.database)} OWNER ${ident(spec.ownerRole)} CONNECTION LIMIT ${Math.trunc(spec.connectionLimit)}`);
    } else {
      await this.pool.query(`ALTER DATABASE ${ident(spec.database)} OWNER TO ${ident(spec.ownerRole)}`);
      await this.pool.query(`ALTER DATABASE ${ident(spec.database)} CONNECTION LIMIT ${Math.trunc(spec.connectionLimit)}`);
    }
    // Only the owner (and so its bindings) may connect, not every role on the server.
    await this.pool.query(`REVOKE ALL ON DATABASE ${ident(spec.database)} FROM PUBLIC`);
    await this.createExtensions(spec.database, spec.extensions);
  }

  async setConnectionLimit(database: string, limit: number): Promise<void> {
    await this.pool.query(`ALTER DATABASE ${ident(database)} CONNECTION LIMIT ${Math.trunc(limit)}`);
  }

  async createExtensions(database: string, extensions: string[]): Promise<void> {
    if (extensions.length === 0) return;
    await this.inDatabase(database, async (client) => {
      for (const ext of extensions) await client.query(`CREATE EXTENSION IF NOT EXISTS ${ident(ext)}`);
    });
  }

  /** Drops an instance's database, its binding roles and its owner role. */
  async dropInstance(database: string, ownerRole: string, bindingRoles: string[]): Promise<void> {
    if (await this.databaseExists(database)) {
      // Nobody may connect while it goes, then everyone still connected is sent away.
      await this.pool.query(`ALTER DATABASE ${ident(database)} CONNECTION LIMIT 0`);
      await this.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      await this.pool.query(`DROP DATABASE IF EXISTS ${ident(database)}`);
    }
    for (const role of [...bindingRoles, ownerRole]) {
      await this.terminateSessions(role);
      await this.pool.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    }
  }

  /** Creates (or repairs) a binding's login role with the owner's rights in the instance's database. */
  async ensureBindingRole(role: string, password: string, ownerRole: string, database: string): Promise<void> {
    await this.ensureLoginRole(role, password);
    await this.pool.query(`GRANT ${ident(ownerRole)} TO ${ident(role)}`);
    await this.pool.query(`ALTER ROLE ${ident(role)} IN DATABASE ${ident(database)} SET role = ${literal(ownerRole)}`);
  }

  /** Drops a binding's role; anything it owns in the instance's database passes to the owner first. */
  async dropBindingRole(role: string, ownerRole: string, database: string): Promise<void> {
    if (!(await this.roleExists(role))) return;
    await this.terminateSessions(role);
    if ((await this.databaseExists(database)) && (await this.roleExists(ownerRole))) {
      await this.inDatabase(database, async (client) => {
        await client.query(`REASSIGN OWNED BY ${ident(role)} TO ${ident(ownerRole)}`);
        await client.query(`DROP OWNED BY ${ident(role)}`);
      });
    }
    await this.pool.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  }

  private async terminateSessions(role: string): Promise<void> {
    await this.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()', [role]);
  }

  private async ensureLoginRole(role: string, password: string): Promise<void> {
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal(password)}`;
    if (await this.roleExists(role)) {
      await this.pool.query(`ALTER ROLE ${ident(role)} ${attributes}`);
    } else {
      try {
        await this.pool.query(`CREATE ROLE ${ident(role)} ${attributes}`);
      } catch (e) {
        // Another attempt created it between the check and the create.
        if ((e as { code?: string }).code !== '42710') throw e;
        await this.pool.query(`ALTER ROLE ${ident(role)} ${attributes}`);
      }
    }
    // A broker role without superuser may only give a database to, reassign from, or drop the
    // objects of roles it is a member of.
    if (!(await this.isSuperuser())) await this.pool.query(`GRANT ${ident(role)} TO CURRENT_USER`);
  }

  private superuser: boolean | undefined;

  private async isSuperuser(): Promise<boolean> {
    if (this.superuser === undefined) {
      const r = await this.pool.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
      this.superuser = r.rows[0]?.rolsuper ?? false;
    }
    return this.superuser;
  }

  private async inDatabase<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ ...this.config, database });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
