/**
 * The `serviceaccounts/token` subresource: a POSTed authentication.k8s.io/v1 TokenRequest comes back with
 * `status.token` and `status.expirationTimestamp`, validated and defaulted as Kubernetes does.
 */
import type { KeyObject } from 'node:crypto';
import { badRequest, conflict, field, invalid, notFound, type FieldError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { issueServiceAccountToken, rfc3339Seconds, type BoundObject } from './service-account-token.js';

const GROUP = 'authentication.k8s.io';
const KIND = 'TokenRequest';
/** Kubernetes' defaults and limits for spec.expirationSeconds. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** spec.boundObjectRef as a client sends it. */
export interface BoundObjectReference {
  kind: string;
  apiVersion: string;
  name: string;
  uid?: string;
}

export interface TokenRequestOptions {
  /**
   * The object spec.boundObjectRef names, fetched by the caller from the ServiceAccount's namespace
   * (a Node from the cluster); read it first with `tokenRequestBoundObjectRef(body)`.
   */
  boundObject?: KubeObject;
  /** The API server's audiences, the default for a request naming none; default: the issuer. */
  audiences?: string[];
  /** Kubernetes' --service-account-max-token-expiration: longer requests are shortened to it. */
  maxExpirationSeconds?: number;
  now?: Date;
}

/** The TokenRequest the subresource answers with. */
export interface TokenRequest {
  kind: 'TokenRequest';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  spec: { audiences: string[]; expirationSeconds: number; boundObjectRef: BoundObjectReference | null };
  status: { token: string; expirationTimestamp: string };
}

function readBoundObjectRef(v: unknown): BoundObjectReference | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw badRequest('spec.boundObjectRef must be an object');
  const s = (k: string): string => {
    const x = v[k];
    if (x !== undefined && x !== null && typeof x !== 'string') throw badRequest(`spec.boundObjectRef.${k} must be a string`);
    return typeof x === 'string' ? x : '';
  };
  const ref: BoundObjectReference = { kind: s('kind'), apiVersion: s('apiVersion'), name: s('name') };
  const uid = s('uid');
  if (uid) ref.uid = uid;
  return ref;
}

/** The object a TokenRequest body wants its token bound to, so the caller can fetch it first. */
export function tokenRequestBoundObjectRef(body: unknown): BoundObjectReference | undefined {
  if (!isPlainObject(body) || !isPlainObject(body.spec)) return undefined;
  return readBoundObjectRef(body.spec.boundObjectRef);
}

/** Go's GroupVersionKind.String(): `group/version, Kind=kind`. */
function gvkString(ref: BoundObjectReference): string {
  const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/', 2) : ['', ref.apiVersion];
  return `${group}/${version}, Kind=${ref.kind}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Answers a TokenRequest for ServiceAccount `sa`: a token signed with `privateKey`, issued by `issuer`.
 * Throws StatusErrors as Kubernetes does: 400 for a body that is no TokenRequest or an unbindable kind,
 * 422 for a bad expiry or a name/namespace that differs from the account's, 404 when the bound object
 * was not found (not passed), 409 when its uid differs from the reference's.
 */
export function handleTokenRequest(
  body: unknown,
  sa: KubeObject,
  privateKey: string | KeyObject,
  issuer: string,
  options: TokenRequestOptions = {},
): TokenRequest {
  if (!isPlainObject(body)) throw badRequest('the body of a TokenRequest must be a JSON object');
  if (body.kind !== undefined && body.kind !== KIND) {
    throw badRequest(`the body of the request was of kind ${JSON.stringify(body.kind)}, expected ${KIND}`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== `${GROUP}/v1`) {
    throw badRequest(`the body of the request was in apiVersion ${JSON.stringify(body.apiVersion)}, expected ${GROUP}/v1`);
  }
  const saName = sa.metadata.name ?? '';
  const saNamespace = sa.metadata.namespace ?? '';
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (str(meta.name) && meta.name !== saName) {
    throw invalid(KIND, GROUP, saName, [field.invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (str(meta.namespace) && meta.namespace !== saNamespace) {
    throw invalid(KIND, GROUP, saName, [field.invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  }

  const spec = body.spec === undefined || body.spec === null ? {} : body.spec;
  if (!isPlainObject(spec)) throw badRequest('spec must be an object');
  const audiencesIn = spec.audiences ?? [];
  if (!Array.isArray(audiencesIn) || audiencesIn.some((a) => typeof a !== 'string')) throw badRequest('spec.audiences must be a list of strings');
  const audiences = audiencesIn.length ? (audiencesIn as string[]) : options.audiences?.length ? options.audiences : [issuer];
  const requested = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof requested !== 'number' || !Number.isInteger(requested)) throw badRequest('spec.expirationSeconds must be an integer');
  let expirationSeconds: number = requested;
  const errors: FieldError[] = [];
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    errors.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  }
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    errors.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  }
  if (errors.length) throw invalid(KIND, GROUP, '', errors);

  const ref = readBoundObjectRef(spec.boundObjectRef);
  let boundObject: BoundObject | undefined;
  let node: { name: string } | undefined;
  if (ref) {
    const coreGroup = ref.apiVersion === 'v1';
    const kind = coreGroup && (ref.kind === 'Pod' || ref.kind === 'Secret' || ref.kind === 'Node') ? ref.kind : undefined;
    if (!kind) throw badRequest(`cannot bind token to object of type ${gvkString(ref)}`);
    const obj = options.boundObject;
    if (!obj || obj.kind !== kind || obj.metadata.name !== ref.name) {
      throw notFound({ group: '', resource: `${kind.toLowerCase()}s` }, ref.name);
    }
    if (kind === 'Pod') {
      const podSa = str((obj.spec as Record<string, unknown> | undefined)?.serviceAccountName);
      if (podSa !== saName) {
        throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`);
      }
      const nodeName = str((obj.spec as Record<string, unknown> | undefined)?.nodeName);
      if (nodeName) node = { name: nodeName };
    }
    const uid = obj.metadata.uid ?? '';
    if (ref.uid && ref.uid !== uid) {
      throw conflict(
        { group: '', resource: kind },
        ref.name,
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    boundObject = { kind, name: ref.name, uid };
  }

  if (options.maxExpirationSeconds && options.maxExpirationSeconds > 0 && expirationSeconds > options.maxExpirationSeconds) {
    expirationSeconds = options.maxExpirationSeconds;
  }

  const now = options.now ?? new Date();
  const issued = issueServiceAccountToken(privateKey, {
    issuer,
    namespace: saNamespace,
    name: saName,
    uid: sa.metadata.uid ?? '',
    audiences,
    expirationSeconds,
    boundObject,
    node,
    now,
  });
  return {
    kind: KIND,
    apiVersion: `${GROUP}/v1`,
    metadata: { name: saName, namespace: saNamespace, creationTimestamp: rfc3339Seconds(Math.floor(now.getTime() / 1000)) },
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
  };
}
