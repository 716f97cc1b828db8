/**
 * Times refineAlpha (web/src/cutout/refine.ts) against the copy of its earlier version kept
 * as the tests' reference (tests/unit/cutout/support/refine-reference.ts), interleaved, on
 * the network's real maps of some photos (each cut once by the model; `--megapixels` also
 * enlarges the first photo with Lanczos to stand in for a camera photo). Each run times
 * both, in alternating order, and checks that their mattes are equal byte for byte. Take
 * the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-refine.ts [--photo FILE]... [--megapixels 24] [--runs 11]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { refineAlpha } from '../web/src/cutout/refine.ts';
import { refineAlphaReference } from '../tests/unit/cutout/support/refine-reference.ts';
import { launchChromium } from './lib/chromium.ts';
import { pageScript } from './lib/page-script.ts';
import { median } from './lib/median.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { sharedTestdata } from './lib/paths.ts';
import { timingCases } from './lib/enlarged-photo.ts';
import { interleaved } from './lib/interleaved.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', multiple: true, default: ['animal-1', 'cloth-1'].map((n) => join(sharedTestdata, 'photos', `${n}.jpg`)) },
    megapixels: { type: 'string', default: '0' },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '11' },
    chromium: { type: 'boolean', default: false },
  },
});

const model = modelInfo(args.model);
const cases = await timingCases(args.photo, Number(args.megapixels));

const prepared = [];
for (const { name, file, megapixels, image } of cases) {
  const input = preprocess(image, model);
  prepared.push({ name, file, megapixels, image, input, map: await inferNode(model, input) });
}
await closeNodeSessions();

const report = (name: string, width: number, height: number, size: number, old: number[], now: number[]) => {
  const o = median(old), n = median(now);
  console.log(
    `${name} ${width}x${height} (${((width * height) / 1e6).toFixed(2)} MP), map ${size}²: ` +
      `old median ${o.toFixed(1)} ms, new median ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (${old.length} runs each; identical mattes)`,
  );
};

if (args.chromium) {
  const code = await pageScript(new URL('./time-refine-page.ts', import.meta.url), 'refineBench');
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: code });
    for (const { name, file, megapixels, input, map } of prepared) {
      const photo = readFileSync(file).toString('base64');
      const probabilities = Buffer.from(map.buffer, map.byteOffset, map.byteLength).toString('base64');
      const { width, height, old, now } = await page.evaluate(
        ([photo, probabilities, megapixels, runs]) => (globalThis as unknown as { refineBench: typeof import('./time-refine-page.ts') }).refineBench.timeRefine(photo, probabilities, megapixels, runs),
        [photo, probabilities, megapixels, Number(args.runs)] as const,
      );
      report(`${name} (Chromium)`, width, height, input.size, old, now);
    }
  } finally {
    await close();
  }
  process.exit(0);
}

for (const { name, image, input, map } of prepared) {
  const { old, now } = interleaved(Number(args.runs), () => refineAlphaReference(map, input, image).data, () => refineAlpha(map, input, image).data, `${name}: the mattes`);
  report(name, image.width, image.height, input.size, old, now);
}
