/**
 * The setup the registry-backed image tests share: a scratch directory, a test registry and a busybox
 * layout pushed to it, made once for the file and removed after it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { buildBusyboxImage, registrySkipReason, startRegistry, type ImageLayout, type TestRegistry } from '../../../../support/registry.js';

export interface RegistryFixture {
  /** The running registry; read inside tests and hooks. */
  readonly registry: TestRegistry;
  /** The busybox layout built from `image`. */
  readonly layout: ImageLayout;
  /** The file's scratch directory ('' until made, and when the registry tests are skipped). */
  readonly work: string;
}

/**
 * Registers a before() that, unless registrySkipReason() says the machine cannot, makes a scratch
 * directory named `workPrefix…`, starts a registry, builds a busybox layout from `image` and lets `populate`
 * add layers and push, and an after() that removes layout, registry and directory.
 */
export function useRegistryFixture(
  workPrefix: string,
  image: Parameters<typeof buildBusyboxImage>[0],
  populate: (registry: TestRegistry, layout: ImageLayout) => Promise<void>,
): RegistryFixture {
  let registry: TestRegistry | undefined;
  let layout: ImageLayout | undefined;
  let work = '';
  before(async () => {
    if (registrySkipReason()) return;
    work = await mkdtemp(path.join(tmpdir(), workPrefix));
    registry = await startRegistry();
    layout = await buildBusyboxImage(image);
    await populate(registry, layout);
  });
  after(async () => {
    await layout?.cleanup();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });
  return {
    get registry() {
      if (!registry) throw new Error('the test registry is not running');
      return registry;
    },
    get layout() {
      if (!layout) throw new Error('the test image layout is not built');
      return layout;
    },
    get work() {
      return work;
    },
  };
}
