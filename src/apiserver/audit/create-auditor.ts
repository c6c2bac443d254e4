import { Auditor, type AuditorOptions } from './auditor.js';
import { defaultAuditPolicy } from './default-audit-policy.js';
import { loadAuditPolicy } from './load-audit-policy.js';
import { LogBackend } from './log-backend.js';
import type { AuditBackend } from './types.js';
import { WebhookBackend, type WebhookBackendOptions } from './webhook-backend.js';

/** Audit settings as `wharf up` takes them from its flags. */
export interface AuditOptions extends AuditorOptions {
  /** `--audit-policy-file`; absent: defaultAuditPolicy(). */
  policyFile?: string;
  /** `--audit-log-path` (`DATA_DIR/audit/audit.log` by default in `wharf up`); absent: no log backend. */
  logPath?: string;
  logMaxSizeMB?: number;
  logMaxBackups?: number;
  /** `--audit-webhook-config-file`; absent: no webhook backend. */
  webhookConfigFile?: string;
  webhook?: WebhookBackendOptions;
}

/**
 * Builds the Auditor the server uses. Throws (AuditPolicyError, or an Error naming the webhook config file) when a
 * file is broken: the caller prints the message and does not start.
 */
export function createAuditor(options: AuditOptions): Auditor {
  const policy = options.policyFile ? loadAuditPolicy(options.policyFile) : defaultAuditPolicy();
  const backends: AuditBackend[] = [];
  if (options.webhookConfigFile) backends.push(new WebhookBackend(options.webhookConfigFile, options.webhook));
  if (options.logPath) backends.push(new LogBackend({ path: options.logPath, maxSizeMB: options.logMaxSizeMB, maxBackups: options.logMaxBackups }));
  return new Auditor(policy, backends, { clock: options.clock });
}
