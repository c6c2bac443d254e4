// Assertions on the StatusErrors the apiserver throws, shared by its unit tests.
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/errors.js';

/**
 * Runs `fn`, which must throw a StatusError with `code`; a string `message` must equal the error's
 * message, a RegExp must match it. Returns the error for further checks.
 */
export function rejects(fn: () => unknown, code: number, message?: string | RegExp): StatusError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof StatusError, `expected a StatusError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/** A validator for `assert.throws` / `assert.rejects`: a StatusError with `code` and `reason`, its message matching. */
export function statusOf(code: number, reason: string, message?: RegExp): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.reason, reason);
    if (message) assert.match(e.message, message);
    return true;
  };
}
