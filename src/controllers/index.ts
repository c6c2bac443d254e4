import type { Manager } from '../client/index.js';

/** A controller: `setup` registers its informers and workers with the manager. */
export interface ControllerEntry {
  name: string;
  /** Off unless asked for by name (`--controllers name`). */
  disabledByDefault?: boolean;
  setup(manager: Manager): void;
}

/** Every controller Wharf runs, by name; `wharf controller-manager --controllers a,b,-c` picks from it. */
export const controllers: readonly ControllerEntry[] = [];

/** The entries `--controllers` selects: `*` (default) is every entry not disabled by default; `-x` removes one. */
export function selectControllers(spec: string[] = ['*']): ControllerEntry[] {
  const names = new Set(controllers.map((c) => c.name));
  for (const s of spec) {
    const name = s.replace(/^-/, '');
    if (s !== '*' && !names.has(name)) throw new RangeError(`unknown controller "${name}"`);
  }
  const all = spec.includes('*');
  return controllers.filter((c) => !spec.includes(`-${c.name}`) && (spec.includes(c.name) || (all && !c.disabledByDefault)));
}
