/**
 * The example broker's catalog: one bindable service with two plans, so a platform meets both
 * shapes of the API. `small` is free, synchronous (unless the broker runs with `async: true`) and
 * rotatable; `large` always works asynchronously, carries maintenance_info and a maximum polling
 * duration, and may be changed to and from.
 */
import type { Catalog, JsonObject } from '../osb/types.js';

export const EXAMPLE_SERVICE_ID = '5d7c0a83-0d6f-4a36-9c8c-7b1f0f0f1a01';
export const SMALL_PLAN_ID = '8a0b3f4e-6c3e-4f6e-8f51-1d1f7a8c2b01';
export const LARGE_PLAN_ID = '8a0b3f4e-6c3e-4f6e-8f51-1d1f7a8c2b02';
/** The `large` plan's maintenance version; a provision or update naming another one gets MaintenanceInfoConflict. */
export const LARGE_PLAN_MAINTENANCE_VERSION = '1.1.0';

const instanceCreateSchema: JsonObject = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    size: { type: 'integer', minimum: 1, maximum: 10, description: 'Size in gigabytes' },
    label: { type: 'string' },
  },
  additionalProperties: false,
};

const bindingCreateSchema: JsonObject = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    readonly: { type: 'boolean' },
  },
  additionalProperties: false,
};

export function exampleCatalog(): Catalog {
  const schemas = {
    service_instance: { create: { parameters: instanceCreateSchema }, update: { parameters: instanceCreateSchema } },
    service_binding: { create: { parameters: bindingCreateSchema } },
  };
  return {
    services: [
      {
        id: EXAMPLE_SERVICE_ID,
        name: 'example-db',
        description: 'An in-memory database for trying the service catalog',
        tags: ['example', 'database'],
        bindable: true,
        instances_retrievable: true,
        bindings_retrievable: true,
        plan_updateable: true,
        metadata: { displayName: 'Example DB', providerDisplayName: 'Wharf' },
        plans: [
          {
            id: SMALL_PLAN_ID,
            name: 'small',
            description: 'A small shared database',
            free: true,
            binding_rotatable: true,
            schemas,
          },
          {
            id: LARGE_PLAN_ID,
            name: 'large',
            description: 'A large dedicated database, created asynchronously',
            free: false,
            maximum_polling_duration: 600,
            maintenance_info: { version: LARGE_PLAN_MAINTENANCE_VERSION, description: 'Engine 1.1' },
            schemas,
          },
        ],
      },
    ],
  };
}
