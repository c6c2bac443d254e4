import path from 'node:path';
import type { Command } from 'commander';
import { ImageService } from '../node/runtimes/container/image/index.js';

/** Where a node keeps its images under its data directory, shared by `wharf up` nodes and this command. */
export function imagesRoot(dataDir: string): string {
  return path.join(dataDir, 'images');
}

/**
 * `wharf image import|ls|rm`: the node's image store without a registry, for air-gapped machines: an OCI
 * layout or docker-archive tarball becomes an image pods use with `imagePullPolicy: IfNotPresent` or `Never`.
 */
export function registerImageCommand(program: Command): void {
  const image = program.command('image').description("manage the images of this machine's container nodes");
  image
    .command('import <file>')
    .description('load an OCI layout tarball or a docker-archive tarball (docker save) into the image store')
    .option('--data-dir <dir>', 'the data directory of the node', './.wharf')
    .option('--name <reference>', 'name for an image the archive names only by tag or not at all')
    .action(async (file: string, opts: { dataDir: string; name?: string }) => {
      const service = new ImageService({ root: imagesRoot(opts.dataDir) });
      const images = await service.importArchive(file, { name: opts.name });
      for (const i of images) console.log(`Loaded image: ${i.reference} (${i.digest})`);
    });
  image
    .command('ls')
    .description('list the images in the store')
    .option('--data-dir <dir>', 'the data directory of the node', './.wharf')
    .action(async (opts: { dataDir: string }) => {
      const service = new ImageService({ root: imagesRoot(opts.dataDir) });
      const rows = (await service.listImages()).map((i) => [i.names.find((n) => !n.includes('@')) ?? i.names[0]!, i.names.find((n) => n.includes('@'))?.split('@')[1] ?? '', String(i.sizeBytes)]);
      const header = ['IMAGE', 'DIGEST', 'SIZE'];
      const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
      for (const r of [header, ...rows]) console.log(r.map((v, c) => v.padEnd(widths[c]!)).join('   ').trimEnd());
    });
  image
    .command('rm <reference...>')
    .description('remove images from the store (their blobs go when no other image shares them)')
    .option('--data-dir <dir>', 'the data directory of the node', './.wharf')
    .action(async (references: string[], opts: { dataDir: string }) => {
      const service = new ImageService({ root: imagesRoot(opts.dataDir) });
      let missing = 0;
      for (const r of references) {
        if (await service.removeImage(r)) console.log(`Deleted: ${r}`);
        else {
          console.error(`wharf: image "${r}" not found`);
          missing++;
        }
      }
      if (missing) process.exitCode = 1;
    });
}
