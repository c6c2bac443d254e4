import { createHash } from 'node:crypto';

/** The fully qualified form container runtimes report: `nginx` -> `docker.io/library/nginx:latest`. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  // A first path part with a dot or colon, or "localhost", names a registry.
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${firstSlash < 0 ? `library/${ref}` : ref}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.includes('@') && !ref.slice(lastSlash + 1).includes(':')) ref += ':latest';
  return ref;
}

const imageIds = new Map<string, string>();

/** A stable content address for an image reference: `docker.io/library/nginx@sha256:<digest>`. */
export function simulatedImageId(image: string): string {
  let id = imageIds.get(image);
  if (!id) {
    const ref = normalizeImage(image);
    const at = ref.indexOf('@');
    let repo = at >= 0 ? ref.slice(0, at) : ref;
    const lastSlash = repo.lastIndexOf('/');
    const colon = repo.indexOf(':', lastSlash + 1);
    if (colon >= 0) repo = repo.slice(0, colon);
    id = at >= 0 ? ref : `${repo}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
    imageIds.set(image, id);
  }
  return id;
}
