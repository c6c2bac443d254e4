/**
 * The PostgreSQL broker's catalog: one service, `postgresql`, with two plans that create the same
 * thing (a database and its owner role on the server the broker is given). `standard` works
 * synchronously; `standard-async` answers provision and deprovision with 202 and does the work in
 * the background, for platforms and tests that exercise `last_operation`.
 */
import type { Catalog, JsonObject } from '../../osb/types.js';

export const POSTGRESQL_SERVICE_ID = '3f5c2a9e-7d1b-4c8e-9a64-0b2e5d7f1c01';
export const STANDARD_PLAN_ID = '3f5c2a9e-7d1b-4c8e-9a64-0b2e5d7f1c11';
export const STANDARD_ASYNC_PLAN_ID = '3f5c2a9e-7d1b-4c8e-9a64-0b2e5d7f1c12';

/** Extensions a provision may ask for: contrib modules trusted enough to hand to a database owner. */
export const ALLOWED_EXTENSIONS = [
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'isn',
  'ltree',
  'pg_trgm',
  'pgcrypto',
  'seg',
  'tablefunc',
  'unaccent',
  'uuid-ossp',
] as const;

/** The most connections a provision may allow; -1 (the default) is PostgreSQL's "no limit". */
export const MAX_CONNECTION_LIMIT = 1000;

export function instanceParameterSchema(): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: {
      extensions: {
        type: 'array',
        description: 'Extensions to create in the database',
        items: { type: 'string', enum: [...ALLOWED_EXTENSIONS] },
      },
      connectionLimit: {
        type: 'integer',
        description: 'The most concurrent connections to the database (-1: no limit)',
        minimum: -1,
        maximum: MAX_CONNECTION_LIMIT,
      },
    },
    additionalProperties: false,
  };
}

export function bindingParameterSchema(): JsonObject {
  return { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: {}, additionalProperties: false };
}

/** Whether a plan provisions and deprovisions asynchronously. */
export function isAsyncPlan(planId: string): boolean {
  return planId === STANDARD_ASYNC_PLAN_ID;
}

export function postgresqlCatalog(): Catalog {
  const schemas = {
    service_instance: { create: { parameters: instanceParameterSchema() }, update: { parameters: instanceParameterSchema() } },
    service_binding: { create: { parameters: bindingParameterSchema() } },
  };
  return {
    services: [
      {
        id: POSTGRESQL_SERVICE_ID,
        name: 'postgresql',
        description: 'A PostgreSQL database with its own owner role, and a login role per binding',
        tags: ['postgresql', 'database', 'sql'],
        bindable: true,
        instances_retrievable: true,
        bindings_retrievable: true,
        plan_updateable: false,
        metadata: { displayName: 'PostgreSQL', providerDisplayName: 'Wharf' },
        plans: [
          {
            id: STANDARD_PLAN_ID,
            name: 'standard',
            description: 'A database on the shared server, created while the request waits',
            free: true,
            schemas,
          },
          {
            id: STANDARD_ASYNC_PLAN_ID,
            name: 'standard-async',
            description: 'A database on the shared server, created in the background (poll last_operation)',
            free: true,
            maximum_polling_duration: 600,
            schemas,
          },
        ],
      },
    ],
  };
}
