import { canonicalJson } from '../internal/semantic-equal.js';
import type { PodTemplate } from '../internal/types.js';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The `pod-template-hash` of a template: FNV-32a over the template (and the collision count, when
 * set, as four little-endian bytes), its decimal digits spelled in Kubernetes' vowel-free alphabet
 * so the result never forms words.
 */
export function podTemplateHash(template: PodTemplate, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return [...String(h)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join('');
}
