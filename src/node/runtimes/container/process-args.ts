import type { ImageConfig } from './image/index.js';

/**
 * Kubernetes' `$(VAR)` expansion of command, args and env values: `$(NAME)` becomes the variable's
 * value when defined and stays as written otherwise; `$$` escapes a `$`.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const v = lookup(name);
      out += v === undefined ? `$(${name})` : v;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * The process a container runs, by Kubernetes' rules: `command` replaces the image's Entrypoint (and
 * drops its Cmd); `args` replaces the Cmd; both `$(VAR)`-expanded against the container's env.
 */
export function processArgs(container: { command?: string[]; args?: string[] }, image: ImageConfig, env: ReadonlyMap<string, string>): string[] {
  const lookup = (n: string): string | undefined => env.get(n);
  const command = container.command && container.command.length > 0 ? container.command.map((s) => expandVars(s, lookup)) : undefined;
  const args = container.args && container.args.length > 0 ? container.args.map((s) => expandVars(s, lookup)) : undefined;
  if (command) return [...command, ...(args ?? [])];
  return [...(image.Entrypoint ?? []), ...(args ?? image.Cmd ?? [])];
}
