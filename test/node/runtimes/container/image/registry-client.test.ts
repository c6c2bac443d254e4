import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobStore } from '../../../../../src/node/runtimes/container/image/blob-store.js';
import { hostArchitecture, mediaTypes } from '../../../../../src/node/runtimes/container/image/manifest.js';
import { parseReference } from '../../../../../src/node/runtimes/container/image/reference.js';
import { RegistryClient, RegistryError, parseChallenge } from '../../../../../src/node/runtimes/container/image/registry-client.js';
import {
  bcryptHtpasswd,
  buildBusyboxImage,
  putManifest,
  pushImage,
  registryBlobPath,
  registrySkipReason,
  startRegistry,
} from '../../../../support/registry.js';
import { useRegistryFixture } from './registry-fixture.js';

const skip = registrySkipReason();
const pushed: Record<string, string> = {};
const fx = useRegistryFixture('wharf-registry-client-', { tag: 'base' }, async (registry, layout) => {
  pushed.oci = await pushImage(layout, 'base', registry.host, 'test/busybox', { destTag: 'oci' });
  pushed.v2 = await pushImage(layout, 'base', registry.host, 'test/busybox', { destTag: 'v2', format: 'v2s2' });
  const other = await buildBusyboxImage({ tag: 'other', files: { 'etc/other': 'other arch\n' } });
  try {
    pushed.other = await pushImage(other, 'other', registry.host, 'test/busybox', { format: 'v2s2' });
  } finally {
    await other.cleanup();
  }
});

function store(): BlobStore {
  return new BlobStore(path.join(fx.work, `store-${Math.random().toString(36).slice(2)}`));
}

test('resolve() finds OCI and Docker v2 manifests by tag and by digest', { skip }, async () => {
  const client = new RegistryClient();
  const oci = await client.resolve(parseReference(`${fx.registry.host}/test/busybox:oci`));
  assert.equal(oci.digest, pushed.oci);
  assert.equal(oci.manifestDigest, pushed.oci);
  assert.equal(oci.manifest.layers.length, 1);
  assert.equal(oci.manifest.config.mediaType, mediaTypes.ociConfig);
  const v2 = await client.resolve(parseReference(`${fx.registry.host}/test/busybox:v2`));
  assert.equal(v2.mediaType, mediaTypes.dockerManifest);
  assert.equal(v2.manifest.layers[0]!.mediaType, mediaTypes.dockerLayerGzip);
  const byDigest = await client.resolve(parseReference(`${fx.registry.host}/test/busybox@${pushed.v2}`));
  assert.equal(byDigest.digest, pushed.v2);
});

test('resolve() picks linux and this machine\'s architecture from a manifest list', { skip }, async () => {
  const size = (d: string) => readFileSync(registryBlobPath(fx.registry.storageDir, d)).length;
  const wrongArch = hostArchitecture() === 'arm64' ? 'amd64' : 'arm64';
  const list = {
    schemaVersion: 2,
    mediaType: mediaTypes.dockerList,
    manifests: [
      { mediaType: mediaTypes.dockerManifest, digest: pushed.other, size: size(pushed.other!), platform: { os: 'linux', architecture: wrongArch } },
      { mediaType: mediaTypes.dockerManifest, digest: pushed.v2, size: size(pushed.v2!), platform: { os: 'linux', architecture: hostArchitecture() } },
    ],
  };
  assert.equal(await putManifest(fx.registry.host, 'test/busybox', 'multi', JSON.stringify(list), mediaTypes.dockerList), 201);
  const resolved = await new RegistryClient().resolve(parseReference(`${fx.registry.host}/test/busybox:multi`));
  assert.equal(resolved.manifestDigest, pushed.v2);
  assert.notEqual(resolved.digest, pushed.v2, 'the reference names the list');
  assert.equal(resolved.mediaType, mediaTypes.dockerList);

  const noMatch = { ...list, manifests: [list.manifests[0]] };
  assert.equal(await putManifest(fx.registry.host, 'test/busybox', 'foreign', JSON.stringify(noMatch), mediaTypes.dockerList), 201);
  await assert.rejects(new RegistryClient().resolve(parseReference(`${fx.registry.host}/test/busybox:foreign`)), /no match for platform in manifest/);
});

test('fetchBlob() streams verified blobs and rejects a layer whose bytes do not match its digest', { skip }, async () => {
  const ref = parseReference(`${fx.registry.host}/test/busybox:v2`);
  const client = new RegistryClient();
  const { manifest } = await client.resolve(ref);
  const s = store();
  await client.fetchBlob(ref, manifest.layers[0]!, s);
  assert.equal(await s.has(manifest.layers[0]!.digest), true);

  // Corrupt the config blob in the registry's storage: same size, other bytes.
  const file = registryBlobPath(fx.registry.storageDir, manifest.config.digest);
  const original = readFileSync(file);
  const corrupted = Buffer.from(original);
  corrupted[corrupted.length - 2] ^= 0xff;
  writeFileSync(file, corrupted);
  try {
    const fresh = store();
    await assert.rejects(client.fetchBlob(ref, manifest.config, fresh), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.match(e.message, /^failed to copy: unexpected commit digest sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64}: failed precondition$/);
      return true;
    });
    assert.equal(await fresh.has(manifest.config.digest), false);
  } finally {
    writeFileSync(file, original);
  }
});

test('resolve() rejects a manifest whose bytes do not match the digest', { skip }, async () => {
  const file = registryBlobPath(fx.registry.storageDir, pushed.oci!);
  const original = readFileSync(file);
  writeFileSync(file, Buffer.from(original.toString('utf8').replace('"schemaVersion": 2', '"schemaVersion":  2').replace('"schemaVersion":2', '"schemaVersion": 2')));
  try {
    await assert.rejects(new RegistryClient().resolve(parseReference(`${fx.registry.host}/test/busybox@${pushed.oci}`)), /manifest digest mismatch/);
  } finally {
    writeFileSync(file, original);
  }
});

test('resolve() says not found, unavailable or invalid the way a pull status shows it', { skip }, async () => {
  const missing = `${fx.registry.host}/test/nope:latest`;
  await assert.rejects(new RegistryClient().resolve(parseReference(missing)), (e: unknown) => {
    assert.ok(e instanceof RegistryError);
    assert.equal(e.kind, 'not-found');
    assert.equal(e.message, `failed to resolve reference "${missing}": ${missing}: not found`);
    return true;
  });
  const garbage = await serve((req, res) => {
    if (req.url?.includes('/broken/')) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'storage exploded' }] }));
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    res.end('<html>garbage</html>');
  });
  try {
    await assert.rejects(new RegistryClient().resolve(parseReference(`${garbage.host}/broken/y:z`)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.kind, 'unavailable');
      assert.equal(e.message, `failed to resolve reference "${garbage.host}/broken/y:z": unexpected status from GET request to http://${garbage.host}/v2/broken/y/manifests/z: server message: unknown: storage exploded`);
      return true;
    });
    await assert.rejects(new RegistryClient().resolve(parseReference(`${garbage.host}/x/y:z`)), /failed to unmarshal manifest/);
    const port = garbage.host.split(':')[1];
    await new Promise((r) => garbage.server.close(r));
    await assert.rejects(new RegistryClient().resolve(parseReference(`127.0.0.1:${port}/x/y:z`)), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.kind, 'unavailable');
      assert.match(e.message, /failed to do request: GET "http:\/\/127\.0\.0\.1:\d+\/v2\/x\/y\/manifests\/z": connect ECONNREFUSED/);
      return true;
    });
  } finally {
    garbage.server.close();
  }
});

test('bearer-token auth: the challenge leads to the token endpoint, with the pull secret\'s credentials', { skip }, async () => {
  const token = await tokenProxy(fx.registry.host, { username: 'robot', password: 's3cret' });
  try {
    const ref = parseReference(`${token.host}/test/busybox:v2`);
    await assert.rejects(new RegistryClient().resolve(ref), (e: unknown) => {
      assert.ok(e instanceof RegistryError);
      assert.equal(e.kind, 'unauthorized');
      assert.match(e.message, /pull access denied, repository does not exist or may require authorization/);
      return true;
    });
    await assert.rejects(new RegistryClient({ auth: [{ registry: token.host, username: 'robot', password: 'wrong' }] }).resolve(ref), /pull access denied/);
    const client = new RegistryClient({ auth: [{ registry: token.host, username: 'robot', password: 's3cret' }] });
    const resolved = await client.resolve(ref);
    assert.equal(resolved.digest, pushed.v2);
    await client.fetchBlob(ref, resolved.manifest.layers[0]!, store());
    assert.equal(token.tokensIssued(), 1, 'the token is reused for the blob');
    assert.equal(token.lastScope(), 'repository:test/busybox:pull');
  } finally {
    token.server.close();
  }
});

test('bearer-token auth: an anonymous token for a public repository', { skip }, async () => {
  const token = await tokenProxy(fx.registry.host, undefined);
  try {
    const resolved = await new RegistryClient().resolve(parseReference(`${token.host}/test/busybox:oci`));
    assert.equal(resolved.digest, pushed.oci);
  } finally {
    token.server.close();
  }
});

test('basic auth: a Basic challenge is answered with the pull secret\'s credentials, never without', { skip }, async () => {
  const front = await basicProxy(fx.registry.host, { username: 'robot', password: 's3cret' });
  try {
    const ref = parseReference(`${front.host}/test/busybox:oci`);
    await assert.rejects(new RegistryClient().resolve(ref), /pull access denied, repository does not exist or may require authorization: server message: unauthorized: authentication required/);
    await assert.rejects(new RegistryClient({ auth: [{ registry: front.host, username: 'robot', password: 'nope' }] }).resolve(ref), /pull access denied/);
    // The first matching credential fails, the next one works: both are tried, as kubelet tries each.
    const client = new RegistryClient({
      auth: [
        { registry: `${front.host}/test`, username: 'robot', password: 'old' },
        { registry: front.host, username: 'robot', password: 's3cret' },
      ],
    });
    assert.equal((await client.resolve(ref)).digest, pushed.oci);
  } finally {
    front.server.close();
  }
});

test('basic auth against docker-registry\'s htpasswd', { skip }, async (t) => {
  if (!(await bcryptHtpasswd('u', 'p'))) return t.skip('neither htpasswd -B (apache2-utils) nor python3 crypt can make bcrypt hashes');
  const secured = await startRegistry({ basicAuth: { username: 'puller', password: 'pa55' } });
  try {
    await pushImage(fx.layout, 'base', secured.host, 'private/busybox', { credentials: { username: 'puller', password: 'pa55' } });
    const ref = parseReference(`${secured.host}/private/busybox:base`);
    await assert.rejects(new RegistryClient().resolve(ref), /pull access denied/);
    await assert.rejects(new RegistryClient({ auth: [{ registry: secured.host, username: 'puller', password: 'nope' }] }).resolve(ref), /pull access denied/);
    const client = new RegistryClient({ auth: [{ registry: secured.host, username: 'puller', password: 'pa55' }] });
    const resolved = await client.resolve(ref);
    await client.fetchBlob(ref, resolved.manifest.config, store());
  } finally {
    await secured.stop();
  }
});

test('fetchBlob() gives up on a registry that stops sending a blob', async () => {
  const stalling = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Length': '1000' });
    res.write('only a little');
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-stall-'));
  try {
    const ref = parseReference(`${stalling.host}/x/y:z`);
    const desc = { mediaType: mediaTypes.ociLayerGzip, digest: `sha256:${'1'.repeat(64)}`, size: 1000 };
    await assert.rejects(new RegistryClient({ timeoutMs: 300 }).fetchBlob(ref, desc, new BlobStore(dir)), /failed to copy: no data from 127\.0\.0\.1:\d+ for 300 ms/);
  } finally {
    stalling.server.closeAllConnections();
    stalling.server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('parseChallenge() reads WWW-Authenticate', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), {
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="r"'), { scheme: 'basic', params: { realm: 'r' } });
  assert.equal(parseChallenge('Negotiate abc'), undefined);
  assert.equal(parseChallenge(undefined), undefined);
});

/** A registry front that wants HTTP basic credentials, as docker-registry's htpasswd auth does. */
async function basicProxy(upstream: string, creds: { username: string; password: string }) {
  const good = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  return serve((req, res) => {
    if (req.headers.authorization !== good) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="wharf-test"' });
      return res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    forward(upstream, req, res);
  });
}

function forward(upstream: string, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  const [host, port] = upstream.split(':');
  const headers = { ...req.headers, host: upstream };
  delete headers.authorization;
  const up = request({ host, port: Number(port), method: req.method, path: req.url, headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, host: `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

/**
 * A registry front that wants a bearer token, with its own token endpoint (the Docker token protocol):
 * `/token` hands out a token for the given credentials, or to anyone when `creds` is undefined.
 */
async function tokenProxy(upstream: string, creds: { username: string; password: string } | undefined) {
  let issued = 0;
  let scope = '';
  const good = 'Bearer tok-' + Math.random().toString(36).slice(2);
  const front = await serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      const expected = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
      if (expected && req.headers.authorization !== expected) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ details: 'incorrect username or password' }));
      }
      issued++;
      scope = url.searchParams.get('scope') ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ token: good.slice(7), expires_in: 300 }));
    }
    if (req.headers.authorization !== good) {
      res.writeHead(401, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': `Bearer realm="http://${front.host}/token",service="test-registry",scope="repository:${url.pathname.split('/').slice(2, 4).join('/')}:pull"`,
      });
      return res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    forward(upstream, req, res);
  });
  return { ...front, tokensIssued: () => issued, lastScope: () => scope };
}
