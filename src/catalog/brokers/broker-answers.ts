/**
 * Answers both of Wharf's brokers give in the same words: a success with its body, an error with the
 * spec's `error` code and a `description`, and the two 422s of the spec's error table that every
 * broker with asynchronous plans needs (AsyncRequired, ConcurrencyError).
 */
import type { JsonObject, JsonValue } from '../osb/types.js';
import type { BrokerAnswer } from './osb-http-server.js';

export function answer(status: number, body: JsonValue, headers?: Record<string, string>): BrokerAnswer {
  return { status, body, ...(headers ? { headers } : {}) };
}

/** An error body: `{ error?, description, ...extra }`. */
export function brokerError(status: number, description: string, code?: string, extra: JsonObject = {}): BrokerAnswer {
  return { status, body: { ...(code ? { error: code } : {}), description, ...extra } };
}

export function asyncRequired(): BrokerAnswer {
  return brokerError(422, 'This service plan requires client support for asynchronous service operations (accepts_incomplete=true)', 'AsyncRequired');
}

/** `what`: `service instance` or `service binding`. */
export function concurrencyError(what: string): BrokerAnswer {
  return brokerError(422, `Another operation for this ${what} is in progress`, 'ConcurrencyError');
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
