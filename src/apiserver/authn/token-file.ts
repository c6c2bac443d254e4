/**
 * Static bearer tokens from a CSV file in kube-apiserver's --token-auth-file format:
 * `token,user,uid,"group1,group2"` per line (the groups column is optional). Read once at startup; a
 * malformed file stops the server with a message naming the line.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../request-context.js';

/** One CSV record and the line it starts on. */
interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text as Go's encoding/csv does with its defaults (which kube-apiserver uses): commas
 * separate fields, a field may be quoted and then hold commas, newlines and `""` for a quote, a quote
 * inside an unquoted field is an error, and blank lines are skipped.
 */
function parseCsv(text: string, where: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const fail = (at: number, why: string): never => {
    throw new Error(`${where} line ${at}: ${why}`);
  };

  while (i < n) {
    // A blank line (or a lone \r\n) is no record.
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n')) {
      i += text[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) fail(start, 'extraneous or missing " in quoted-field');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        const next = text[i];
        if (i < n && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          fail(line, 'extraneous or missing " in quoted-field');
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          if (text[i] === '"') fail(line, 'bare " in non-quoted-field');
          value += text[i];
          i++;
        }
      }
      fields.push(value);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      // End of record: newline or end of text.
      if (i < n) {
        i += text[i] === '\r' ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ line: start, fields });
  }
  return records;
}

/**
 * Reads token file text into token -> user. `source` names the file in error messages. Records need at
 * least three columns; empty tokens are skipped and a repeated token keeps its last line, as in
 * Kubernetes. Users get their listed groups; `system:authenticated` is added by the authenticator.
 */
export function parseTokenFile(text: string, source: string): Map<string, UserInfo> {
  const where = `token file "${source}"`;
  const tokens = new Map<string, UserInfo>();
  for (const { line, fields } of parseCsv(text, where)) {
    if (fields.length < 3) {
      throw new Error(`${where} line ${line}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    const [token, username, uid, groups] = fields;
    if (token === '') continue;
    if (username === '') throw new Error(`${where} line ${line}: the user name is empty`);
    const user: UserInfo = { username, groups: groups === undefined ? [] : groups.split(',').filter((g) => g !== '') };
    if (uid !== '') user.uid = uid;
    tokens.set(token, user);
  }
  return tokens;
}

/** Reads and parses a token file; any problem is an Error naming the file (and line). */
export function loadTokenFile(file: string): Map<string, UserInfo> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read token file "${file}": ${(e as Error).message}`);
  }
  return parseTokenFile(text, file);
}
