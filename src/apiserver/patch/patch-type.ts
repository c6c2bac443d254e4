/** The three PATCH formats of the Kubernetes API, named by the Content-Type a client sends. */
export type PatchType = 'json' | 'merge' | 'strategic';

const BY_CONTENT_TYPE: ReadonlyMap<string, PatchType> = new Map([
  ['application/json-patch+json', 'json'],
  ['application/merge-patch+json', 'merge'],
  ['application/strategic-merge-patch+json', 'strategic'],
]);

/**
 * The patch type a PATCH request's Content-Type names, or undefined for anything else (server-side
 * apply's `application/apply-patch+yaml` included: that is not one of these three).
 * Parameters such as `; charset=utf-8` are ignored, as kube-apiserver ignores them.
 *
 * @example patchTypeFromContentType('application/merge-patch+json; charset=utf-8') // 'merge'
 */
export function patchTypeFromContentType(ct: string): PatchType | undefined {
  const semi = ct.indexOf(';');
  const mediaType = (semi >= 0 ? ct.slice(0, semi) : ct).trim();
  return BY_CONTENT_TYPE.get(mediaType);
}

/** The Content-Type that names a patch type (for clients building requests). */
export function contentTypeOfPatch(type: PatchType): string {
  for (const [ct, t] of BY_CONTENT_TYPE) if (t === type) return ct;
  throw new RangeError(`unknown patch type ${JSON.stringify(type)}`);
}
