#!/usr/bin/env node
// Compiles the TypeScript tree into dist/ and runs the build-time generators.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * Removes what an earlier build compiled from a source that is gone: tsc never deletes, and the test
 * runner would still run a deleted test's old output.
 */
function removeOrphans(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeOrphans(file);
      continue;
    }
    const compiled = /^(.*)\.(js|js\.map|d\.ts)$/.exec(entry.name);
    if (!compiled) continue;
    const source = path.join(root, path.relative(path.join(root, 'dist'), dir), `${compiled[1]}.ts`);
    if (!existsSync(source)) rmSync(file);
  }
}

for (const tree of ['src', 'test', 'bench']) removeOrphans(path.join(root, 'dist', tree));
run([tsc, '-p', '.']);
run([path.join(root, 'scripts', 'gen-openapi.js')]);
