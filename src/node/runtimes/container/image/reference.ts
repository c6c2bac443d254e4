/**
 * Image references as the Docker/OCI tooling reads them: `busybox` is `docker.io/library/busybox:latest`,
 * a first component with a dot or port (or `localhost`) names the registry, and `@sha256:...` pins a digest.
 */
export interface ImageReference {
  /** `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** `library/busybox`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export class ReferenceError extends Error {
  override name = 'ReferenceError';
}

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainPart = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;

/** Parses and normalizes; throws `ReferenceError` with the distribution library's wording. */
export function parseReference(input: string): ImageReference {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw new ReferenceError('invalid reference format');
    if (!digest.startsWith('sha256:') || digest.length !== 71) throw new ReferenceError('unsupported digest algorithm');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw new ReferenceError('invalid reference format');
  }
  if (rest === '') throw new ReferenceError('invalid reference format');
  let registry = 'docker.io';
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      path = rest.slice(slash + 1);
      if (!validDomain(registry)) throw new ReferenceError('invalid reference format');
    }
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (path !== path.toLowerCase()) throw new ReferenceError('invalid reference format: repository name must be lowercase');
  const parts = path.split('/');
  if (!parts.every((p) => component.test(p))) throw new ReferenceError('invalid reference format');
  if (registry === 'docker.io' && parts.length === 1) path = `library/${path}`;
  if (registry.length + 1 + path.length > 255) throw new ReferenceError('repository name must not be more than 255 characters');
  const ref: ImageReference = { registry, repository: path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest.toLowerCase();
  // No tag and no digest means `latest`, as kubelet applies it before asking the runtime.
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = 'latest';
  return ref;
}

function validDomain(domain: string): boolean {
  let host = domain;
  const portAt = domain.startsWith('[') ? domain.indexOf(']:') + 1 : domain.lastIndexOf(':');
  if (portAt > 0) {
    if (!/^[0-9]+$/.test(domain.slice(portAt + 1))) return false;
    host = domain.slice(0, portAt);
  }
  if (host.startsWith('[')) return /^\[[0-9a-fA-F:.]+\]$/.test(host);
  return host.split('.').every((p) => domainPart.test(p));
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** `docker.io/library/busybox:latest`, `...@sha256:...`, or `...:tag@sha256:...` when both were given. */
export function formatReference(ref: ImageReference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The host and port to connect to: Docker Hub's API is not served at docker.io itself. */
export function registryEndpointHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** 127.0.0.0/8, ::1 and localhost registries are spoken to over plain HTTP, as Docker does by default. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:[0-9]+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
