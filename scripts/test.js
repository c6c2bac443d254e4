#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's test runner.
// Usage: node scripts/test.js [substring ...]  (only files whose path contains one of the substrings)
//
// A file that fails is run once more on its own: the end-to-end tests drive real processes on a shared
// 2-core machine, where timing can tip a test over. Every file retried is named in the output, and a file
// that fails twice fails the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const testRoot = path.join(root, 'dist', 'test');

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (entry.endsWith('.test.js')) out.push(full);
  }
  return out;
}

function run(files, tapFile) {
  const args = ['--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=spec', '--test-reporter-destination=stdout'];
  if (tapFile) args.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`);
  return spawnSync(process.execPath, [...args, ...files], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

/** The test files whose top-level tests failed, from a TAP report (each failure names its location). */
function failedFiles(tapFile, files) {
  const lines = readFileSync(tapFile, 'utf8').split('\n');
  const failed = new Set();
  for (let i = 0; i < lines.length; i++) {
    if (!/^not ok \d+ - /.test(lines[i])) continue;
    let file;
    for (let j = i + 1; j < lines.length && !/^(ok|not ok) \d+/.test(lines[j]); j++) {
      const m = /^\s+location: '(.*):\d+:\d+'$/.exec(lines[j]);
      if (m) {
        file = files.find((f) => f === m[1]);
        break;
      }
    }
    // A failure not tied to one file: retrying parts of the run would hide it.
    if (!file) return undefined;
    failed.add(file);
  }
  return [...failed];
}

const filters = process.argv.slice(2);
const files = collect(testRoot).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const reports = mkdtempSync(path.join(tmpdir(), 'wharf-test-'));
let exitCode;
try {
  const tap = path.join(reports, 'first.tap');
  exitCode = run(files, tap);
  if (exitCode !== 0) {
    const failed = failedFiles(tap, files);
    // Many failures at once are no accident of timing: report them as they are.
    if (failed && failed.length > 0 && failed.length <= 3) {
      console.log(`\nRetrying ${failed.length} failed file(s) once, on their own:\n${failed.map((f) => `  ${path.relative(root, f)}`).join('\n')}\n`);
      exitCode = run(failed);
    }
  }
} finally {
  rmSync(reports, { recursive: true, force: true });
}
process.exit(exitCode);
