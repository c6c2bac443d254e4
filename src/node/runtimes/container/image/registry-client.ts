import type { IncomingMessage } from 'node:http';
import { discard, httpRequest, readBody } from './http-request.js';
import { BlobStore, sha256Digest } from './blob-store.js';
import { matchingAuths } from './docker-config.js';
import type { RegistryAuth } from './image-types.js';
import { choosePlatform, manifestAccept, parseManifest, type Descriptor, type ImageManifest } from './manifest.js';
import { formatReference, isLoopbackRegistry, registryEndpointHost, type ImageReference } from './reference.js';

export interface RegistryClientOptions {
  /** Registries (`host:port`) spoken to over plain HTTP besides loopback ones. */
  insecureRegistries?: string[];
  /** Credentials to offer when a registry asks (imagePullSecrets), most specific match first. */
  auth?: RegistryAuth[];
  /** How long to wait for a response head. */
  timeoutMs?: number;
}

/** A failure talking to a registry; the message is the detail a pod's ErrImagePull status shows. */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    /** `not-found`, `unauthorized`, `unavailable` or `invalid`, for callers that branch. */
    readonly kind: 'not-found' | 'unauthorized' | 'unavailable' | 'invalid',
  ) {
    super(message);
  }
}

/** What a tag or digest resolved to: the manifest for this machine's platform, with the index above it. */
export interface ResolvedManifest {
  /** The digest the reference names: the index's when there is one (the image's repo digest). */
  digest: string;
  mediaType: string;
  /** The top-level bytes exactly as served (index or manifest). */
  bytes: Buffer;
  manifestDigest: string;
  manifestBytes: Buffer;
  manifest: ImageManifest;
}

interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/**
 * A client of the OCI distribution API (Docker registry v2): resolves references to manifests, choosing
 * linux and this machine's architecture from an index, and streams blobs into a `BlobStore` verifying
 * their digests. Authentication follows the registry's `WWW-Authenticate` challenge: anonymous, basic, or a
 * bearer token from the token endpoint (with basic credentials, an identity token or none).
 */
export class RegistryClient {
  /** Authorization header values that worked, per registry and scope. */
  private readonly authCache = new Map<string, string>();

  constructor(private readonly options: RegistryClientOptions = {}) {}

  async resolve(ref: ImageReference, signal?: AbortSignal): Promise<ResolvedManifest> {
    const name = formatReference(ref);
    try {
      const top = await this.getManifest(ref, ref.digest ?? ref.tag ?? 'latest', signal);
      const parsed = parseManifest(top.bytes, top.contentType);
      if (parsed.kind === 'manifest') {
        return { digest: top.digest, mediaType: top.contentType, bytes: top.bytes, manifestDigest: top.digest, manifestBytes: top.bytes, manifest: parsed.manifest };
      }
      const chosen = choosePlatform(parsed.index);
      if (!chosen) throw new RegistryError(`no match for platform in manifest ${top.digest}: not found`, 'not-found');
      const inner = await this.getManifest(ref, chosen.digest, signal);
      const innerParsed = parseManifest(inner.bytes, inner.contentType);
      if (innerParsed.kind !== 'manifest') throw new RegistryError(`manifest ${chosen.digest} for linux is itself an index`, 'invalid');
      return { digest: top.digest, mediaType: top.contentType, bytes: top.bytes, manifestDigest: inner.digest, manifestBytes: inner.bytes, manifest: innerParsed.manifest };
    } catch (e) {
      throw new RegistryError(`failed to resolve reference "${name}": ${detail(e, name)}`, kindOf(e));
    }
  }

  /** Streams one blob into the store unless it is there already; the digest and size are checked. */
  async fetchBlob(ref: ImageReference, desc: Descriptor, store: BlobStore, signal?: AbortSignal): Promise<void> {
    if (await store.has(desc.digest)) return;
    try {
      const res = await this.request(ref, `blobs/${desc.digest}`, {}, signal);
      if (res.statusCode === 404) {
        discard(res);
        throw new RegistryError(`${desc.digest}: not found`, 'not-found');
      }
      if (res.statusCode !== 200) throw await unexpectedStatus(res, 'GET', this.urlFor(ref, `blobs/${desc.digest}`).href);
      await store.ingest(res, desc.digest, desc.size);
    } catch (e) {
      throw new RegistryError(`failed to copy: ${detail(e, desc.digest)}`, kindOf(e));
    }
  }

  private async getManifest(ref: ImageReference, reference: string, signal?: AbortSignal): Promise<{ digest: string; contentType: string; bytes: Buffer }> {
    const res = await this.request(ref, `manifests/${reference}`, { Accept: manifestAccept }, signal);
    if (res.statusCode === 404) {
      discard(res);
      throw new RegistryError(`${formatReference(ref)}: not found`, 'not-found');
    }
    if (res.statusCode !== 200) throw await unexpectedStatus(res, 'GET', this.urlFor(ref, `manifests/${reference}`).href);
    const bytes = await readBody(res, 4 << 20);
    const actual = sha256Digest(bytes);
    // Pinned by digest: the bytes must hash to it. By tag: they must match what the registry claims.
    const expected = reference.startsWith('sha256:') ? reference : header(res, 'docker-content-digest');
    if (expected && expected.startsWith('sha256:') && expected !== actual) {
      throw new RegistryError(`manifest digest mismatch: expected ${expected}, got ${actual}`, 'invalid');
    }
    return { digest: actual, contentType: header(res, 'content-type') ?? '', bytes };
  }

  /** GETs `/v2/<repository>/<suffix>`, answering an auth challenge once per credential offered. */
  private async request(ref: ImageReference, suffix: string, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = this.urlFor(ref, suffix);
    const scope = `repository:${ref.repository}:pull`;
    const cacheKey = `${ref.registry}|${scope}`;
    const cached = this.authCache.get(cacheKey);
    let res = await this.send(url, headers, cached, signal);
    if (res.statusCode !== 401) return res;
    const challenge = parseChallenge(header(res, 'www-authenticate'));
    let lastMessage = await serverMessage(res);
    if (!challenge) throw new RegistryError(`pull access denied, repository does not exist or may require authorization: ${lastMessage}`, 'unauthorized');
    const offered = matchingAuths(this.options.auth ?? [], ref.registry, ref.repository);
    const candidates: (RegistryAuth | undefined)[] = offered.length ? offered : [undefined];
    for (const cred of candidates) {
      let authorization: string | undefined;
      if (challenge.scheme === 'basic') {
        if (!cred?.username) continue;
        authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password ?? ''}`).toString('base64')}`;
      } else {
        try {
          authorization = `Bearer ${await this.fetchToken(challenge, cred, scope, signal)}`;
        } catch (e) {
          lastMessage = detail(e, '');
          continue;
        }
      }
      res = await this.send(url, headers, authorization, signal);
      if (res.statusCode !== 401) {
        this.authCache.set(cacheKey, authorization);
        return res;
      }
      lastMessage = await serverMessage(res);
    }
    throw new RegistryError(`pull access denied, repository does not exist or may require authorization: ${lastMessage}`, 'unauthorized');
  }

  /** The token endpoint exchange of the Docker token protocol (GET with basic auth, or OAuth2 refresh). */
  private async fetchToken(challenge: Challenge, cred: RegistryAuth | undefined, scope: string, signal?: AbortSignal): Promise<string> {
    if (cred?.registryToken) return cred.registryToken;
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('bearer challenge without a realm', 'invalid');
    const tokenUrl = new URL(realm);
    const service = challenge.params.service;
    const wantedScope = challenge.params.scope ?? scope;
    let res: IncomingMessage;
    if (cred?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'wharf', scope: wantedScope });
      if (service) form.set('service', service);
      res = await this.send(tokenUrl, { 'Content-Type': 'application/x-www-form-urlencoded' }, undefined, signal, 'POST', form.toString());
    } else {
      if (service) tokenUrl.searchParams.set('service', service);
      tokenUrl.searchParams.set('scope', wantedScope);
      const basic = cred?.username ? `Basic ${Buffer.from(`${cred.username}:${cred.password ?? ''}`).toString('base64')}` : undefined;
      res = await this.send(tokenUrl, {}, basic, signal);
    }
    if (res.statusCode !== 200) {
      const msg = await serverMessage(res);
      throw new RegistryError(`failed to fetch ${cred ? 'oauth' : 'anonymous'} token: unexpected status from ${cred?.identityToken ? 'POST' : 'GET'} request to ${tokenUrl.origin}${tokenUrl.pathname}: ${msg}`, 'unauthorized');
    }
    const body = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || !token) throw new RegistryError('token endpoint returned no token', 'unauthorized');
    return token;
  }

  /** One exchange, following redirects (blob storage often lives elsewhere) without leaking credentials. */
  private async send(
    url: URL,
    headers: Record<string, string>,
    authorization: string | undefined,
    signal?: AbortSignal,
    method = 'GET',
    body?: string,
  ): Promise<IncomingMessage> {
    let current = url;
    let auth = authorization;
    for (let hops = 0; hops < 6; hops++) {
      const h: Record<string, string> = { 'User-Agent': 'wharf', ...headers };
      if (auth) h.Authorization = auth;
      let res: IncomingMessage;
      try {
        res = await httpRequest(current, { method, headers: h, body, signal, timeoutMs: this.options.timeoutMs });
      } catch (first) {
        // A kept-alive socket the registry closed meanwhile fails at once; a fresh connection tells the truth.
        const code = (first as NodeJS.ErrnoException).code;
        if (signal?.aborted || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw requestFailed(method, current, first);
        try {
          res = await httpRequest(current, { method, headers: h, body, signal, timeoutMs: this.options.timeoutMs });
        } catch (e) {
          throw requestFailed(method, current, e);
        }
      }
      const status = res.statusCode ?? 0;
      const location = header(res, 'location');
      if (status >= 300 && status < 400 && location && method === 'GET') {
        discard(res);
        const next = new URL(location, current);
        if (next.origin !== current.origin) auth = undefined;
        current = next;
        continue;
      }
      return res;
    }
    throw new RegistryError(`too many redirects from ${url.href}`, 'invalid');
  }

  private urlFor(ref: ImageReference, suffix: string): URL {
    return new URL(`${this.scheme(ref.registry)}://${registryEndpointHost(ref.registry)}/v2/${ref.repository}/${suffix}`);
  }

  private scheme(registry: string): 'http' | 'https' {
    if (isLoopbackRegistry(registry) || (this.options.insecureRegistries ?? []).includes(registry)) return 'http';
    return 'https';
  }
}

function requestFailed(method: string, url: URL, e: unknown): RegistryError {
  return new RegistryError(`failed to do request: ${method} "${url.href}": ${(e as Error).message}`, 'unavailable');
}

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"` */
export function parseChallenge(value: string | undefined): Challenge | undefined {
  if (!value) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(value);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme, params };
}

/** The registry's own words for an error (`MANIFEST_UNKNOWN: manifest unknown`), else the status line. */
async function serverMessage(res: IncomingMessage): Promise<string> {
  const status = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  try {
    const body = (await readBody(res, 64 << 10)).toString('utf8');
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first?.code) return `server message: ${first.code.toLowerCase()}: ${first.message ?? ''}`.trim();
  } catch {
    // A body that is not a registry error document: the status line says enough.
  }
  return status;
}

async function unexpectedStatus(res: IncomingMessage, method: string, what: string): Promise<RegistryError> {
  const msg = await serverMessage(res);
  const kind = (res.statusCode ?? 0) >= 500 ? 'unavailable' : 'invalid';
  return new RegistryError(`unexpected status from ${method} request to ${what}: ${msg}`, kind);
}

function detail(e: unknown, _name: string): string {
  return e instanceof Error ? e.message : String(e);
}

function kindOf(e: unknown): RegistryError['kind'] {
  return e instanceof RegistryError ? e.kind : 'invalid';
}
