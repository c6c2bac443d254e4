/** The 401 every authentication failure becomes. */
import { unauthorized, type StatusError } from '../../api/errors.js';

/**
 * A 401 whose body says only "Unauthorized", as Kubernetes answers (telling a client why its credential
 * failed helps an attacker more than the client), and whose `cause` keeps the reason for the server's log.
 */
export function rejected(reason: string): StatusError {
  const e = unauthorized();
  e.cause = reason;
  return e;
}
