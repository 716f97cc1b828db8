/**
 * Times composeForDisplay (web/src/cutout/display.ts: the page's cutout, shrunk to the free
 * size for a photo over it) in headless Chromium against the old code, interleaved, on a
 * photo at its own size and enlarged to `--megapixels`, with the matte the app makes (the
 * model's map from Node, the rest in the page: scripts/time-display-page.ts); then the new
 * code's parts alone. Take the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-display.ts [--photo FILE] [--megapixels 24] [--runs 11] [--sizes both|own|large] [--base DIR]
 *
 * The old code is compose.ts and the foreground*.ts it imports from --base: the tests' colours
 * reference unless named (e.g. an earlier commit's web/src/cutout, from git archive).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RgbaImage } from '../web/src/cutout/image.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { launchChromium } from './lib/chromium.ts';
import { median } from './lib/median.ts';
import { pageScript } from './lib/page-script.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { sharedTestdata } from './lib/paths.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', default: join(sharedTestdata, 'photos', 'animal-1.jpg') },
    megapixels: { type: 'string', default: '24' },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '11' },
    sizes: { type: 'string', default: 'both' },
    base: { type: 'string', default: new URL('../tests/unit/cutout/support/colours-reference', import.meta.url).pathname },
  },
});

const model = modelInfo(args.model);
const { data, info } = await sharp(args.photo).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
const own: RgbaImage = { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
// The model sees the photo shrunk to its input, so one map (from the photo at its own size) serves the enlarged photo too.
const map = await inferNode(model, preprocess(own, model));
await closeNodeSessions();

const megapixels = Number(args.megapixels);
const sizes = args.sizes === 'large' ? [megapixels] : args.sizes === 'own' ? [0] : [0, megapixels];
const code = await pageScript(new URL('./time-display-page.ts', import.meta.url), 'displayBench', { 'colours-base': resolve(args.base) });
const { browser, close } = await launchChromium();
try {
  const page = await browser.newPage();
  await page.addScriptTag({ content: code });
  const photo = readFileSync(args.photo).toString('base64');
  const probabilities = Buffer.from(map.buffer, map.byteOffset, map.byteLength).toString('base64');
  for (const mp of sizes) {
    const { width, height, old, now, parts } = await page.evaluate(
      ([photo, probabilities, mp, id, runs]) =>
        (globalThis as unknown as { displayBench: typeof import('./time-display-page.ts') }).displayBench.timeDisplay(photo, probabilities, mp, id, runs),
      [photo, probabilities, mp, model.id, Number(args.runs)] as const,
    );
    const o = median(old), n = median(now);
    const split = Object.entries(parts).filter(([, t]) => t.length).map(([k, t]) => `${k} ${median(t).toFixed(1)}`).join(', ');
    console.log(`${args.photo.split('/').pop()} ${width}x${height} (Chromium): composeForDisplay old ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (${old.length} runs each, medians; identical bytes); new's parts: ${split} ms`);
  }
} finally {
  await close();
}
process.exit(0);
