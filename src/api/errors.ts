/**
 * Kubernetes `Status` errors, shared by the apiserver (which answers with them) and clients (which
 * receive them). Messages keep Kubernetes' wording because clients and users match on it.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type CauseType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid'
  | 'UnexpectedServerResponse'
  | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge';

export interface StatusCause {
  reason: CauseType | string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** The resource a Status speaks of: `pods` in core, `deployments.apps` elsewhere. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

function qualified(r: QualifiedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export class StatusError extends Error {
  readonly status: Status;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function forbidden(r: QualifiedResource, name: string, message: string): StatusError {
  const what = name ? `${qualified(r)} "${name}"` : qualified(r);
  return new StatusError(403, 'Forbidden', `${what} is forbidden: ${message}`, {
    name: name || undefined,
    group: r.group,
    kind: r.resource,
  });
}

export function notFound(r: QualifiedResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

/** A 404 for a URL that names no resource at all. */
export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(r: QualifiedResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group,
    kind: r.resource,
  });
}

export function conflict(r: QualifiedResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    { name, group: r.group, kind: r.resource },
  );
}

/** 409 for an update whose resourceVersion is not the stored one. */
export function staleResourceVersion(r: QualifiedResource, name: string): StatusError {
  return conflict(
    r,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message);
}

export function tooLarge(message = 'the request body is too large'): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format ${JSON.stringify(contentType)} - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml`,
  );
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}

/** A field-level problem found by validation; `invalid()` turns a list of them into a 422. */
export interface FieldError {
  type: CauseType;
  field: string;
  detail: string;
  /** The bad value, quoted into the message where Kubernetes quotes it. */
  value?: unknown;
}

function describeFieldError(e: FieldError): string {
  const shown = e.value === undefined ? '' : `: ${JSON.stringify(e.value)}`;
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueNotFound':
      return `${e.field}: Not found${shown}`;
    case 'FieldValueDuplicate':
      return `${e.field}: Duplicate value${shown}`;
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden: ${e.detail}`;
    case 'FieldValueTooLong':
      return `${e.field}: Too long: ${e.detail}`;
    case 'FieldValueTooMany':
      return `${e.field}: Too many: ${e.detail}`;
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value${shown}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTypeInvalid':
      return `${e.field}: Invalid value${shown}: ${e.detail}`;
    default:
      return `${e.field}: Invalid value${shown}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

/** 422 Invalid, naming each field's problem as Kubernetes does. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  const messages = errors.map(describeFieldError);
  const summary = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes: errors.map((e, i) => ({ reason: e.type, message: messages[i].slice(e.field.length + 2), field: e.field })),
  });
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

export const isNotFound = (e: unknown): boolean => isStatusError(e) && e.reason === 'NotFound';
export const isAlreadyExists = (e: unknown): boolean => isStatusError(e) && e.reason === 'AlreadyExists';
export const isConflict = (e: unknown): boolean => isStatusError(e) && e.reason === 'Conflict';
export const isInvalid = (e: unknown): boolean => isStatusError(e) && e.reason === 'Invalid';
export const isGone = (e: unknown): boolean => isStatusError(e) && (e.reason === 'Expired' || e.reason === 'Gone');

/** Field error builders, named as Kubernetes' field package names them. */
export const field = {
  required: (path: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: path, detail }),
  invalid: (path: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: path, value, detail }),
  notSupported: (path: string, value: unknown, allowed: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field: path,
    value,
    detail: `supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
  }),
  forbidden: (path: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: path, detail }),
  duplicate: (path: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: path, value, detail: '' }),
  tooLong: (path: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field: path, detail: `may not be more than ${max} bytes` }),
  notFound: (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, value, detail: '' }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field: path, value, detail }),
};
