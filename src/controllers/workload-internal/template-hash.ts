/**
 * A short hash of a pod template, the value of `controller-revision-hash` and `pod-template-hash`:
 * 32-bit FNV-1a over the template's canonical JSON (keys sorted, so equal templates hash equally
 * whatever their key order), plus the collision count when there is one, written in the alphabet
 * Kubernetes uses for generated names (no vowels, so no words).
 */
export function templateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a(0x811c9dc5, canonicalJson(template));
  if (collisionCount !== undefined && collisionCount !== null) h = fnv1a(h, String(collisionCount));
  return safeEncode(String(h >>> 0));
}

function fnv1a(seed: number, text: string): number {
  let h = seed >>> 0;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** Maps each character onto the vowel-free alphabet, as Kubernetes' rand.SafeEncodeString. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}
