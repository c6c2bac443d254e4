/** The subset of an OpenAPI (Swagger 2.0 / 3.0) schema object that Wharf's definitions use. */
export interface JsonSchema {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  allOf?: JsonSchema[];
  default?: unknown;
  /** `x-kubernetes-*` and other vendor extensions. */
  [extension: `x-${string}`]: unknown;
}

/** Definition name -> schema, with refs of the form `#/definitions/<name>`. */
export type Definitions = Readonly<Record<string, JsonSchema>>;

export const definitionsRefPrefix = '#/definitions/';

/** The definition name a `$ref` points at, or undefined for refs outside the definitions. */
export function refName(ref: string): string | undefined {
  if (ref.startsWith(definitionsRefPrefix)) return ref.slice(definitionsRefPrefix.length);
  if (ref.startsWith('#/components/schemas/')) return ref.slice('#/components/schemas/'.length);
  return undefined;
}
