import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the built API server opens storage watches (`store.watch(`): Wharf has no metrics endpoint yet, so the
 * benchmark checks the claim "N watchers cost one storage watch" by listing the call sites; the watch cache
 * is meant to be the only one, opened once per resource when the cache starts.
 */
export function storageWatchSites(root: string): string[] {
  const dir = path.join(root, 'dist', 'src', 'apiserver');
  const sites: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        readFileSync(p, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/\bstore\.watch\(/.test(line)) sites.push(`${path.relative(root, p)}:${i + 1}`);
          });
      }
    }
  };
  walk(dir);
  return sites;
}
