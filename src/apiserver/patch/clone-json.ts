/**
 * Copies a decoded JSON value. Patching hands back objects that share nothing with their inputs,
 * so a caller may default or mutate the result (and retry a patch after a conflict) without
 * touching the stored original or the request's patch. Faster than structuredClone for plain JSON.
 */
export function cloneJson<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setOwn(out, k, cloneJson((v as Record<string, unknown>)[k]));
  return out as T;
}

/**
 * Sets a member of a JSON object. JSON.parse makes `__proto__` an ordinary key; plain assignment
 * would instead replace the object's prototype, so that one key is defined, not assigned.
 */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
