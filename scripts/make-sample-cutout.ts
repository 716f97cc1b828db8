/**
 * Makes web/src/workbench/sample-cutout.webp, the "after" of the before/after example on the
 * app's empty page: tests/fixtures/coffee.jpg (CC0, see tests/fixtures/README.md) cut out by
 * the real pipeline with the default model (Standard), at the photo's own 600×400, on
 * transparency, as a WebP with alpha.
 *
 *   npx tsx scripts/make-sample-cutout.ts
 *
 * Run it again when the default model or the pipeline changes: tests/engine/engine.test.ts
 * fails when the committed file no longer agrees with what the pipeline makes of the photo.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { closeNodeSessions, cutFileNode } from './lib/node-engine.ts';
import { fixturesDir, rootDir } from './lib/paths.ts';

const photo = join(fixturesDir, 'coffee.jpg');
const out = join(rootDir, 'web', 'src', 'workbench', 'sample-cutout.webp');

const result = await cutFileNode(new Uint8Array(readFileSync(photo)));
const { width, height, data } = result.cutout;
// Lossy colours, lossless alpha (WebP's default): the matte is exactly the pipeline's, the file about 23 KB.
const webp = await sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels: 4 } })
  .webp({ quality: 80, effort: 6 })
  .toBuffer();
writeFileSync(out, webp);
console.log(`${out}: ${width}×${height}, ${result.model.id}, ${Math.round(webp.length / 1024)} KB`);
await closeNodeSessions();
