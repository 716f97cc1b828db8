/**
 * Where compose's time goes in headless Chromium, and compose against a snapshot of the code
 * (interleaved, identical bytes checked): scripts/time-colours-parts-page.ts. The mattes are
 * the app's (model in Node, refinement and matting as the pipeline), cached in --cache so
 * repeated runs skip the model. --base is a folder holding compose.ts and the foreground*.ts
 * it imports (default: the tests' reference); for the previous commit's code:
 *
 *   git archive HEAD web/src/cutout common | tar -x -C /tmp/colours-base
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-colours-parts.ts --base /tmp/colours-base/web/src/cutout [--photo FILE]... [--runs 11] [--differ]
 *
 * --differ times a change of output (the bytes are then not compared).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RgbaImage } from '../web/src/cutout/image.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, mattingPass } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { launchChromium } from './lib/chromium.ts';
import { median } from './lib/median.ts';
import { pageScript } from './lib/page-script.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { sharedTestdata } from './lib/paths.ts';

const dir = join(sharedTestdata, 'photos');
const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', multiple: true, default: ['plants-1', 'cloth-1', 'animal-1'].map((n) => `${dir}/${n}.jpg`) },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '11' },
    base: { type: 'string', default: new URL('../tests/unit/cutout/support/colours-reference', import.meta.url).pathname },
    cache: { type: 'string', default: '/tmp/clearcut-colours-mattes' },
    // The new code gives other colours than --base (a change of output): do not compare the bytes.
    differ: { type: 'boolean', default: false },
  },
});

const model = modelInfo(args.model);
mkdirSync(args.cache, { recursive: true });
const cases = [];
for (const file of args.photo) {
  const name = file.split('/').pop()!;
  const { data, info } = await sharp(file).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: RgbaImage = { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
  const cached = join(args.cache, `${name}.${model.id}.${image.width}x${image.height}.alpha`);
  if (!existsSync(cached)) {
    const input = preprocess(image, model);
    const first = matteFromMap(await inferNode(model, input), input, image, model);
    writeFileSync(cached, mattingPass(image, first, input.size, model).data);
  }
  cases.push({ name, image, matte: new Uint8Array(readFileSync(cached)) });
}
await closeNodeSessions();

const code = await pageScript(new URL('./time-colours-parts-page.ts', import.meta.url), 'partsBench', { 'colours-base': resolve(args.base) });
const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage();
  await page.addScriptTag({ content: code });
  for (const { name, image, matte } of cases) {
    const base64 = (a: Uint8Array | Uint8ClampedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    const { old, now, split } = await page.evaluate(
      ([pixels, alpha, width, height, runs, same]) => (globalThis as unknown as { partsBench: typeof import('./time-colours-parts-page.ts') }).partsBench.timeParts(pixels, alpha, width, height, runs, same),
      [base64(image.data), base64(matte), image.width, image.height, Number(args.runs), !args.differ] as const,
    );
    const o = median(old), n = median(now);
    console.log(`${name} ${image.width}x${image.height} (Chromium): compose base ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms, new/base ${(n / o).toFixed(2)} (${old.length} runs each, interleaved, medians; ${args.differ ? 'outputs not compared' : 'identical bytes'})`);
    console.log(`  new's parts (medians): ${Object.entries(split).map(([k, t]) => `${k} ${median(t).toFixed(1)}`).join(', ')}`);
  }
} finally {
  await close();
}
