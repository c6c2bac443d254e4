/**
 * Names the broker gives what it creates on the server. Instance and binding ids are chosen by the
 * platform and may hold any characters, so names are derived from a hash: always valid unquoted
 * identifiers, well under PostgreSQL's 63-byte limit, and the same after a restart.
 */
import { createHash, randomBytes } from 'node:crypto';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20);
}

/** The database of an instance: `wharf_<hash>`. */
export function databaseName(instanceId: string): string {
  return `wharf_${digest('instance', instanceId)}`;
}

/** The instance's owner role, which owns the database and everything bindings create in it. */
export function ownerRoleName(instanceId: string): string {
  return `wharf_${digest('instance', instanceId)}_owner`;
}

/** The login role of one binding. */
export function bindingRoleName(instanceId: string, bindingId: string): string {
  return `wharf_${digest('binding', instanceId, bindingId)}`;
}

/** A password of 32 hex characters: nothing that needs quoting in a URI. */
export function newPassword(): string {
  return randomBytes(16).toString('hex');
}
