import type { SchemaNode } from '../../../src/api/schema.js';
import { listShape } from '../../../src/apiserver/apply/typed.js';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const words = ['web', 'db', 'a', 'b', 'app.kubernetes.io/name', 'x<y>&z', 'ünï', '10', '9', 'http', 'TCP', 'UDP', ''];

export function randomScalar(r: Rand, type?: string): unknown {
  switch (type) {
    case 'string':
      return pick(r, words);
    case 'integer':
      return Math.floor(r() * 5);
    case 'number':
      return pick(r, [0, 1.5, 2, -3]);
    case 'boolean':
      return r() < 0.5;
  }
  return pick(r, ['x', 1, true, null, 2.5, 'y']);
}

function freeForm(r: Rand, depth: number): unknown {
  const x = r();
  if (depth <= 0 || x < 0.5) return randomScalar(r);
  if (x < 0.75) return Array.from({ length: Math.floor(r() * 3) }, () => freeForm(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 3); i > 0; i--) o[pick(r, words)] = freeForm(r, depth - 1);
  return o;
}

/**
 * A random value that fits `schema`: structs get a random subset of their declared fields, maps
 * random keys, list maps items with their key fields (sometimes duplicated), sets scalars (sometimes
 * repeated), atomic lists anything; free-form and opaque values random JSON. Depth is bounded.
 */
export function randomValue(r: Rand, schema: SchemaNode | undefined, depth: number): unknown {
  if (!schema || schema.opaque) return freeForm(r, Math.min(depth, 2));
  if (depth <= 0) return schema.type === 'array' ? [] : schema.type === 'object' ? {} : randomScalar(r, schema.type);
  if (r() < 0.03) return null;
  if (schema.type === 'array') {
    const items = schema.items();
    const shape = listShape(schema);
    const n = Math.floor(r() * 4);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      if (i > 0 && r() < 0.1) {
        out.push(structuredClone(out[0]));
        continue;
      }
      const v = randomValue(r, items, depth - 1);
      if (shape.kind === 'keyed' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const k of shape.keys) (v as Record<string, unknown>)[k] = randomScalar(r, items?.field(k)?.type ?? 'string');
      }
      out.push(v);
    }
    return out;
  }
  if (schema.type === 'object' || schema.properties?.()) {
    const props = schema.properties?.();
    const o: Record<string, unknown> = {};
    if (props && props.length > 0) {
      for (const p of props) if (r() < Math.min(0.6, 4 / props.length + 0.1)) o[p] = randomValue(r, schema.field(p), depth - 1);
      return o;
    }
    const values = schema.values();
    for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(r, words)] = values ? randomValue(r, values, depth - 1) : freeForm(r, 1);
    return o;
  }
  return randomScalar(r, schema.type);
}

/** A random change somewhere in `obj` (in place): a value replaced, removed, added, or a list reordered. */
export function mutate(r: Rand, obj: Record<string, unknown>, schema: SchemaNode | undefined): void {
  let node: unknown = obj;
  let s = schema;
  for (let depth = 0; depth < 8; depth++) {
    if (Array.isArray(node)) {
      if (node.length === 0 || r() < 0.3) {
        const x = r();
        if (x < 0.4 && node.length > 1) node.reverse();
        else if (x < 0.7 && node.length > 0) node.splice(Math.floor(r() * node.length), 1);
        else node.push(randomValue(r, s?.items(), 2));
        return;
      }
      const i = Math.floor(r() * node.length);
      const child = node[i];
      if (child === null || typeof child !== 'object' || r() < 0.3) {
        node[i] = randomValue(r, s?.items(), 2);
        return;
      }
      node = child;
      s = s?.items();
      continue;
    }
    const o = node as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 0 || r() < 0.2) {
      const props = s?.properties?.();
      const k = props?.length ? pick(r, props) : pick(r, words);
      o[k] = randomValue(r, s?.field(k) ?? s?.values(), 2);
      return;
    }
    const k = pick(r, keys);
    const child = o[k];
    if (child === null || typeof child !== 'object' || r() < 0.25) {
      if (r() < 0.4) delete o[k];
      else o[k] = randomValue(r, s?.field(k) ?? s?.values(), 2);
      return;
    }
    node = child;
    s = s?.field(k) ?? s?.values();
  }
}
