import { StatusError, type Status, type StatusReason } from '../api/index.js';

/** The reason Kubernetes clients assume for an error response that carries no Status body. */
function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'InternalError';
  }
}

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** A `StatusError` carrying exactly the Status the server sent, so `isNotFound(e)` and friends work. */
export function statusErrorFromStatus(status: Status, httpCode?: number): StatusError {
  const code = typeof status.code === 'number' && status.code > 0 ? status.code : httpCode ?? 500;
  const reason = status.reason ?? reasonForCode(code);
  const err = new StatusError(code, reason, status.message ?? `the server responded with code ${code}`, status.details);
  if (status.metadata && Object.keys(status.metadata).length > 0) err.status.metadata = status.metadata;
  return err;
}

/** Turns a failed HTTP response into a `StatusError`, from its Status body when it has one. */
export function statusErrorFromResponse(httpCode: number, body: string): StatusError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isStatus(parsed)) return statusErrorFromStatus(parsed, httpCode);
  } catch {
    // Not JSON: a proxy or a crashed server; fall through to a generic error.
  }
  const snippet = body.trim().slice(0, 200);
  const message = snippet ? `the server responded with code ${httpCode}: ${snippet}` : `the server responded with code ${httpCode}`;
  return new StatusError(httpCode, reasonForCode(httpCode), message);
}
