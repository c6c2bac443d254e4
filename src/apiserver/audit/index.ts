/**
 * Audit logging (audit.k8s.io/v1): a policy decides per request what is recorded; an Auditor turns each request
 * into events, stage by stage; backends write them as JSON lines or post them to a webhook.
 *
 * @example
 * const auditor = createAuditor({ logPath: join(dataDir, 'audit', 'audit.log') });
 * const audit = auditor.begin(ctx, { method, uri, sourceIPs: sourceIPs(req.headers, req.socket.remoteAddress), userAgent, verb, objectRef });
 * audit?.recordAuthorization(decision);
 * audit?.complete(201, undefined, () => created);
 */
export { Auditor, AuditRequest, type AuditorOptions, type AuditRequestInfo, type ResponseStatusInfo } from './auditor.js';
export { createAuditor, type AuditOptions } from './create-auditor.js';
export { defaultAuditPolicy } from './default-audit-policy.js';
export { evaluatePolicy, type RequestAuditConfig } from './evaluate-policy.js';
export { AuditPolicyError, loadAuditPolicy, parseAuditPolicy, type PolicyProblem } from './load-audit-policy.js';
export { LogBackend, type LogBackendOptions } from './log-backend.js';
export { preciseNow } from './micro-time.js';
export { sourceIPs } from './source-ips.js';
export { WebhookBackend, type WebhookBackendOptions, type WebhookStats } from './webhook-backend.js';
export type {
  AuditBackend,
  AuditEvent,
  AuditEventList,
  AuditLevel,
  AuditObjectReference,
  AuditPolicy,
  AuditPolicyRule,
  AuditResponseStatus,
  AuditStage,
  AuditUserInfo,
  GroupResources,
} from './types.js';
