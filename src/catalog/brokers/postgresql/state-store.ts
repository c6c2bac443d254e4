/**
 * What the PostgreSQL broker remembers, kept in the PostgreSQL server itself (schema `wharf_broker` of
 * the database the broker connects to), so a restarted broker, or one started on another machine,
 * carries on where the last one stopped. Rows are written before the work they describe, and the
 * work is idempotent, so a crash between the two is repaired by doing the work again.
 *
 * The schema is readable only by the server's superusers (no grants to PUBLIC): it holds the
 * passwords the broker handed out, which it needs to answer a repeated bind or a fetch.
 */
import type pg from 'pg';
import type { JsonObject, LastOperationState } from '../../osb/types.js';

export type InstanceStatus = 'provisioning' | 'ready' | 'failed' | 'deprovisioning';
export type OperationType = 'provision' | 'deprovision';

export interface InstanceRow {
  id: string;
  serviceId: string;
  planId: string;
  /** The parameters as last accepted (absent when none were sent). */
  parameters?: JsonObject;
  context?: JsonObject;
  database: string;
  ownerRole: string;
  ownerPassword: string;
  status: InstanceStatus;
}

export interface BindingRow {
  instanceId: string;
  id: string;
  parameters?: JsonObject;
  role: string;
  password: string;
}

export interface OperationRow {
  id: string;
  instanceId: string;
  type: OperationType;
  state: LastOperationState;
  description?: string;
}

const SCHEMA = 'wharf_broker';

const DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
  `REVOKE ALL ON SCHEMA ${SCHEMA} FROM PUBLIC`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.instances (
     id text PRIMARY KEY,
     service_id text NOT NULL,
     plan_id text NOT NULL,
     parameters jsonb,
     context jsonb,
     database text NOT NULL,
     owner_role text NOT NULL,
     owner_password text NOT NULL,
     status text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.bindings (
     instance_id text NOT NULL,
     id text NOT NULL,
     parameters jsonb,
     role text NOT NULL,
     password text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (instance_id, id)
   )`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.operations (
     id text PRIMARY KEY,
     instance_id text NOT NULL,
     type text NOT NULL,
     state text NOT NULL,
     description text,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS operations_instance ON ${SCHEMA}.operations (instance_id)`,
];

interface InstanceRecord {
  id: string;
  service_id: string;
  plan_id: string;
  parameters: JsonObject | null;
  context: JsonObject | null;
  database: string;
  owner_role: string;
  owner_password: string;
  status: InstanceStatus;
}

interface BindingRecord {
  instance_id: string;
  id: string;
  parameters: JsonObject | null;
  role: string;
  password: string;
}

interface OperationRecord {
  id: string;
  instance_id: string;
  type: OperationType;
  state: LastOperationState;
  description: string | null;
}

function instanceOf(r: InstanceRecord): InstanceRow {
  return {
    id: r.id,
    serviceId: r.service_id,
    planId: r.plan_id,
    ...(r.parameters ? { parameters: r.parameters } : {}),
    ...(r.context ? { context: r.context } : {}),
    database: r.database,
    ownerRole: r.owner_role,
    ownerPassword: r.owner_password,
    status: r.status,
  };
}

function bindingOf(r: BindingRecord): BindingRow {
  return { instanceId: r.instance_id, id: r.id, ...(r.parameters ? { parameters: r.parameters } : {}), role: r.role, password: r.password };
}

function operationOf(r: OperationRecord): OperationRow {
  return { id: r.id, instanceId: r.instance_id, type: r.type, state: r.state, ...(r.description ? { description: r.description } : {}) };
}

const json = (v: JsonObject | undefined): string | null => (v === undefined ? null : JSON.stringify(v));

export class StateStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Creates the schema and tables when they are missing. */
  async init(): Promise<void> {
    // One broker starting at a time: CREATE ... IF NOT EXISTS still races with itself.
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [SCHEMA]);
      try {
        for (const statement of DDL) await client.query(statement);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [SCHEMA]);
      }
    } finally {
      client.release();
    }
  }

  async instance(id: string): Promise<InstanceRow | undefined> {
    const r = await this.pool.query<InstanceRecord>(`SELECT * FROM ${SCHEMA}.instances WHERE id = $1`, [id]);
    return r.rows[0] ? instanceOf(r.rows[0]) : undefined;
  }

  async instances(): Promise<InstanceRow[]> {
    const r = await this.pool.query<InstanceRecord>(`SELECT * FROM ${SCHEMA}.instances ORDER BY created_at`);
    return r.rows.map(instanceOf);
  }

  async insertInstance(row: InstanceRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${SCHEMA}.instances (id, service_id, plan_id, parameters, context, database, owner_role, owner_password, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.id, row.serviceId, row.planId, json(row.parameters), json(row.context), row.database, row.ownerRole, row.ownerPassword, row.status],
    );
  }

  async setInstanceStatus(id: string, status: InstanceStatus): Promise<void> {
    await this.pool.query(`UPDATE ${SCHEMA}.instances SET status = $2 WHERE id = $1`, [id, status]);
  }

  async setInstanceParameters(id: string, parameters: JsonObject): Promise<void> {
    await this.pool.query(`UPDATE ${SCHEMA}.instances SET parameters = $2 WHERE id = $1`, [id, JSON.stringify(parameters)]);
  }

  /** Removes an instance and its bindings' rows. */
  async deleteInstance(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${SCHEMA}.bindings WHERE instance_id = $1`, [id]);
    await this.pool.query(`DELETE FROM ${SCHEMA}.instances WHERE id = $1`, [id]);
  }

  async binding(instanceId: string, id: string): Promise<BindingRow | undefined> {
    const r = await this.pool.query<BindingRecord>(`SELECT * FROM ${SCHEMA}.bindings WHERE instance_id = $1 AND id = $2`, [instanceId, id]);
    return r.rows[0] ? bindingOf(r.rows[0]) : undefined;
  }

  async bindingsOf(instanceId: string): Promise<BindingRow[]> {
    const r = await this.pool.query<BindingRecord>(`SELECT * FROM ${SCHEMA}.bindings WHERE instance_id = $1 ORDER BY created_at`, [instanceId]);
    return r.rows.map(bindingOf);
  }

  async insertBinding(row: BindingRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${SCHEMA}.bindings (instance_id, id, parameters, role, password) VALUES ($1, $2, $3, $4, $5)`,
      [row.instanceId, row.id, json(row.parameters), row.role, row.password],
    );
  }

  async deleteBinding(instanceId: string, id: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${SCHEMA}.bindings WHERE instance_id = $1 AND id = $2`, [instanceId, id]);
  }

  async operation(id: string): Promise<OperationRow | undefined> {
    const r = await this.pool.query<OperationRecord>(`SELECT * FROM ${SCHEMA}.operations WHERE id = $1`, [id]);
    return r.rows[0] ? operationOf(r.rows[0]) : undefined;
  }

  /** The instance's most recent operation. */
  async latestOperation(instanceId: string): Promise<OperationRow | undefined> {
    const r = await this.pool.query<OperationRecord>(
      `SELECT * FROM ${SCHEMA}.operations WHERE instance_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 1`,
      [instanceId],
    );
    return r.rows[0] ? operationOf(r.rows[0]) : undefined;
  }

  /** Operations still running, e.g. those a stopped broker left behind. */
  async runningOperations(): Promise<OperationRow[]> {
    const r = await this.pool.query<OperationRecord>(`SELECT * FROM ${SCHEMA}.operations WHERE state = 'in progress' ORDER BY updated_at`);
    return r.rows.map(operationOf);
  }

  async insertOperation(row: OperationRow): Promise<void> {
    await this.pool.query(`INSERT INTO ${SCHEMA}.operations (id, instance_id, type, state, description) VALUES ($1, $2, $3, $4, $5)`, [
      row.id,
      row.instanceId,
      row.type,
      row.state,
      row.description ?? null,
    ]);
  }

  async finishOperation(id: string, state: LastOperationState, description?: string): Promise<void> {
    await this.pool.query(`UPDATE ${SCHEMA}.operations SET state = $2, description = $3, updated_at = now() WHERE id = $1`, [id, state, description ?? null]);
  }
}
