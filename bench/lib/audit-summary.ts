import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The fields of an audit.k8s.io/v1 Event the summary reads. */
interface AuditLine {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  userAgent?: string;
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
}

/** Requests of one kind: who (user), what (verb, resource[/subresource]) and the answer's code. */
export interface AuditRow {
  user: string;
  verb: string;
  resource: string;
  code: number;
  count: number;
}

/**
 * Counts the requests a data directory's audit log recorded (stage ResponseComplete) between two wall-clock
 * times, by user, verb, resource and response code, most frequent first. `namespace`, when given, keeps
 * namespaced requests of that namespace only (cluster-scoped ones, PVs among them, are always kept).
 */
export function summarizeAudit(dataDir: string, fromMs: number, toMs: number, namespace?: string): AuditRow[] {
  const dir = path.join(dataDir, 'audit');
  const rows = new Map<string, AuditRow>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  } catch {
    return [];
  }
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let e: AuditLine;
      try {
        e = JSON.parse(line) as AuditLine;
      } catch {
        continue;
      }
      if (e.stage !== 'ResponseComplete' || !e.objectRef?.resource) continue;
      const at = Date.parse(e.requestReceivedTimestamp ?? '');
      if (!(at >= fromMs && at <= toMs)) continue;
      if (namespace !== undefined && e.objectRef.namespace !== undefined && e.objectRef.namespace !== namespace) continue;
      const user = (e.user?.username ?? '?').replace(/^system:/, '');
      const verb = e.verb ?? '?';
      const resource = e.objectRef.subresource ? `${e.objectRef.resource}/${e.objectRef.subresource}` : e.objectRef.resource;
      const code = e.responseStatus?.code ?? 0;
      const key = `${user}\u0000${verb}\u0000${resource}\u0000${code}`;
      const row = rows.get(key);
      if (row) row.count++;
      else rows.set(key, { user, verb, resource, code, count: 1 });
    }
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || a.user.localeCompare(b.user) || a.resource.localeCompare(b.resource));
}

/** The verbs that change something. */
export function isWrite(verb: string): boolean {
  return verb === 'create' || verb === 'update' || verb === 'patch' || verb === 'delete' || verb === 'deletecollection';
}
