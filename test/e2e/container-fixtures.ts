/**
 * What the real-node e2e tests share: why a machine cannot run them, and polling at a pace that suits
 * calls of kubectl.
 */
import { checkHostSupport } from '../../src/node/runtimes/container/index.js';
import { eventually as pollUntil } from '../multihost/wharf-process.js';
import { registrySkipReason } from '../support/registry.js';

/** Why this machine cannot run real-node tests (no root, network namespaces, runc or registry), or false. */
export async function containerSkipReason(): Promise<string | false> {
  const support = await checkHostSupport();
  if (!support.ok) return `needs root, network namespaces and runc: ${support.reason}`;
  const registry = registrySkipReason();
  return registry ? `needs a local registry: ${registry}` : false;
}

/** Polls `fn` every 500 ms (each poll runs kubectl) until it yields something, or fails after `timeoutMs`. */
export function eventually<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  return pollUntil(what, timeoutMs, fn, 500);
}
