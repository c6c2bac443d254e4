import type { RegistryAuth } from './image-types.js';

/** One entry of a docker config's `auths`. */
interface DockerConfigEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/**
 * Credentials from an imagePullSecret: `secretData` is the Secret's `data` (base64 values) of type
 * `kubernetes.io/dockerconfigjson` (key `.dockerconfigjson`) or the legacy `kubernetes.io/dockercfg`
 * (key `.dockercfg`), or the decoded JSON text itself. Entries that cannot be read are left out, as kubelet
 * leaves out a secret it cannot parse.
 */
export function parseDockerConfigJson(secretData: Record<string, string> | string): RegistryAuth[] {
  let text: string | undefined;
  if (typeof secretData === 'string') text = secretData;
  else {
    const raw = secretData['.dockerconfigjson'] ?? secretData['.dockercfg'];
    if (raw !== undefined) text = Buffer.from(raw, 'base64').toString('utf8');
  }
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  // `.dockerconfigjson` nests the map under "auths"; `.dockercfg` is the map itself.
  const auths = isRecord(parsed.auths) ? parsed.auths : parsed;
  const out: RegistryAuth[] = [];
  for (const [key, value] of Object.entries(auths)) {
    if (!isRecord(value)) continue;
    const entry = value as DockerConfigEntry;
    const auth: RegistryAuth = { registry: normalizeRegistryKey(key) };
    let username = str(entry.username);
    let password = str(entry.password);
    const encoded = str(entry.auth);
    if (encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) continue;
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    if (username !== undefined) auth.username = username;
    if (password !== undefined) auth.password = password;
    const identityToken = str(entry.identitytoken);
    if (identityToken) auth.identityToken = identityToken;
    const registryToken = str(entry.registrytoken);
    if (registryToken) auth.registryToken = registryToken;
    out.push(auth);
  }
  return out;
}

/**
 * `https://index.docker.io/v1/` -> `docker.io`, `http://r.example.com:5000/` -> `r.example.com:5000`,
 * `r.example.com/team` keeps its path: docker configs key registries every one of these ways.
 */
export function normalizeRegistryKey(key: string): string {
  let k = key.trim().replace(/^[a-z]+:\/\//i, '');
  k = k.replace(/\/+$/, '');
  const slash = k.indexOf('/');
  let host = slash < 0 ? k : k.slice(0, slash);
  let path = slash < 0 ? '' : k.slice(slash);
  // Docker Hub's legacy v1 path is not a repository prefix.
  if (/^\/v[12]$/.test(path)) path = '';
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com') host = 'docker.io';
  return host + path;
}

/** The credentials of `auths` that apply to a repository (`host/path/name`), most specific first. */
export function matchingAuths(auths: RegistryAuth[], registryHost: string, repository: string): RegistryAuth[] {
  const full = `${registryHost}/${repository}`;
  const matches: { auth: RegistryAuth; score: number }[] = [];
  for (const auth of auths) {
    const slash = auth.registry.indexOf('/');
    const host = slash < 0 ? auth.registry : auth.registry.slice(0, slash);
    const path = slash < 0 ? '' : auth.registry.slice(slash);
    if (!hostMatches(host, registryHost)) continue;
    if (path && !(full + '/').startsWith(`${registryHost}${path}/`)) continue;
    matches.push({ auth, score: path.length * 2 + (host.startsWith('*.') ? 0 : 1) });
  }
  return matches.sort((a, b) => b.score - a.score).map((m) => m.auth);
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
