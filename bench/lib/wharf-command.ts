import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The Node flags of `bin/wharf.js`'s `#!/usr/bin/env -S node ...` line: how the `wharf` command runs. */
export function wharfNodeFlags(root: string): string[] {
  const shebang = readFileSync(path.join(root, 'bin', 'wharf.js'), 'utf8').split('\n', 1)[0]!;
  return /^#!\/usr\/bin\/env -S node(.*)$/.exec(shebang)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/**
 * The arguments that start `bin/wharf.js` under this Node as the `wharf` command starts it: its shebang's
 * Node flags, then the script. Benchmarks spawn `process.execPath` with these so that the server they
 * measure runs as users run it.
 */
export function wharfCommand(root: string): string[] {
  return [...wharfNodeFlags(root), path.join(root, 'bin', 'wharf.js')];
}
