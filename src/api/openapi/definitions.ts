import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Definitions, JsonSchema } from './json-schema.js';

/** Overrides where the generated definitions are read from (tests, packaged installs). */
export const definitionsEnvVar = 'WHARF_OPENAPI_DEFINITIONS';

const relativeFile = path.join('dist', 'openapi', 'definitions.json');

let loaded: Record<string, JsonSchema> | undefined;
const extra: Record<string, JsonSchema> = {};

/**
 * Finds dist/openapi/definitions.json by walking up from this module: the compiled module lives in
 * dist/src/api/openapi and the source (under tsx) in src/api/openapi, and both reach the project root.
 */
export function definitionsPath(): string {
  const override = process.env[definitionsEnvVar];
  if (override) return override;
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relativeFile);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `OpenAPI definitions not found: no ${relativeFile} in ${start} or any parent directory; ` +
      `run "npm run build" (which runs scripts/gen-openapi.js) or set ${definitionsEnvVar}`,
  );
}

/** Every definition, read once on first use. */
export function definitions(): Definitions {
  if (!loaded) {
    const file = definitionsPath();
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`OpenAPI definitions in "${file}" cannot be read: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`OpenAPI definitions in "${file}" are not a JSON object`);
    }
    loaded = { ...(parsed as Record<string, JsonSchema>), ...extra };
  }
  return loaded;
}

/**
 * Adds or replaces definitions at run time (schemas of custom resources). Documents built before the
 * call are cached per resource list, so callers pass a new resource list after adding.
 */
export function addDefinitions(defs: Readonly<Record<string, JsonSchema>>): void {
  Object.assign(extra, defs);
  if (loaded) Object.assign(loaded, defs);
}
