/**
 * When the platform must clean up after a failed create, following the table in the OSB 2.17 spec's
 * "Orphan Mitigation" section. For provision and bind, orphan mitigation means deprovisioning or
 * unbinding the resource the broker may have created; for deprovision and unbind, it means the
 * resource may be half deleted and the platform keeps deleting until the broker answers success.
 */
import type { BindingOperation, InstanceOperation } from './types.js';

export type OsbEndpoint =
  | 'catalog'
  | 'provision'
  | 'update'
  | 'deprovision'
  | 'bind'
  | 'unbind'
  | 'getInstance'
  | 'getBinding'
  | 'lastOperation'
  | 'lastBindingOperation';

/** What happened to one request, as far as the table distinguishes it. */
export type OsbOutcome =
  /** An HTTP answer; `malformed` when its body is not what the spec defines for that status. */
  | { type: 'status'; status: number; malformed: boolean }
  /** No answer in time, after the request may have reached the broker. */
  | { type: 'timeout' }
  /** The request never reached the broker. */
  | { type: 'unreachable' }
  /** `last_operation` answered `"state": "failed"` (or polling ran past the maximum duration). */
  | { type: 'operationFailed'; operation: InstanceOperation | BindingOperation };

const CREATES = new Set<OsbEndpoint>(['provision', 'bind']);
const DELETES = new Set<OsbEndpoint>(['deprovision', 'unbind']);

/** The statuses each endpoint defines as success; any other 2xx is "all other 2xx" in the table. */
const SUCCESS_STATUSES: Partial<Record<OsbEndpoint, number[]>> = {
  provision: [200, 201, 202],
  bind: [200, 201, 202],
  deprovision: [200, 202],
  unbind: [200, 202],
};

/** True exactly when the spec says orphan mitigation SHOULD be performed. */
export function needsOrphanMitigation(endpoint: OsbEndpoint, outcome: OsbOutcome): boolean {
  switch (outcome.type) {
    case 'unreachable':
      return false;
    case 'timeout':
      // Only the creates: a timed-out delete is simply retried, and reads leave nothing behind.
      return CREATES.has(endpoint);
    case 'operationFailed':
      // Failed async provision/deprovision (instances) and bind/unbind (bindings); never update.
      return outcome.operation !== 'update';
    case 'status': {
      if (!CREATES.has(endpoint) && !DELETES.has(endpoint)) return false;
      const { status, malformed } = outcome;
      if (status >= 500 && status <= 599) return true;
      if (status < 200 || status > 299) return false; // 408 and every other 4xx: rejected, nothing created
      if (status === 200) return false; // success, or "200 with malformed response": failure without mitigation
      const defined = SUCCESS_STATUSES[endpoint] ?? [];
      if (!defined.includes(status)) return true; // "all other 2xx"
      return malformed; // 201/202 with a malformed body
    }
  }
}
