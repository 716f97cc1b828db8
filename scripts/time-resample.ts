/**
 * Times the tent-filter resizers on a photo's critical path (web/src/cutout/resample.ts:
 * preprocess and its resizeRgbaToInput, resizeRgbAndMatteBytes for the matting's shrink,
 * resizeRgbaWithMatte for the page's picture) against the copies of their earlier versions
 * kept as the tests' references (tests/unit/cutout/support), interleaved, on a photo at its own size and enlarged (Lanczos, as
 * the bench makes its large photo: animal-1 to 5999x4001 for 24 MP). Each run checks that
 * the outputs are equal byte for byte. Take the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-resample.ts [--photo FILE] [--megapixels 24] [--runs 9] [--chromium]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RgbaImage } from '../web/src/cutout/image.ts';
import { launchChromium } from './lib/chromium.ts';
import { median } from './lib/median.ts';
import { pageScript } from './lib/page-script.ts';
import { sharedTestdata } from './lib/paths.ts';
import { matteOf, timeResizers, type Timing } from './time-resample-page.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', default: join(sharedTestdata, 'photos', 'animal-1.jpg') },
    megapixels: { type: 'string', default: '24' },
    runs: { type: 'string', default: '9' },
    chromium: { type: 'boolean', default: false },
  },
});

/** The photo's size, and its size enlarged to `megapixels` the way scripts/bench/photos.ts does it. */
async function sizes(file: string, megapixels: number): Promise<[number, number][]> {
  const { info } = await sharp(file).rotate().toBuffer({ resolveWithObject: true });
  const scale = Math.sqrt((megapixels * 1e6) / (info.width * info.height));
  return [[info.width, info.height], ...(megapixels > 0 ? [[Math.ceil(info.width * scale), Math.ceil(info.height * scale)] as [number, number]] : [])];
}

async function load(file: string, width: number, height: number): Promise<RgbaImage> {
  const { data, info } = await sharp(file).rotate().resize(width, height, { kernel: 'lanczos3' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

const report = (where: string, width: number, height: number, timings: Timing[]) => {
  for (const { name, to, old, now } of timings) {
    const o = median(old), n = median(now);
    console.log(
      `${where} ${width}x${height} (${((width * height) / 1e6).toFixed(2)} MP) ${name} -> ${to}: ` +
        `old median ${o.toFixed(1)} ms, new median ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (${old.length} runs each; identical outputs)`,
    );
  }
};

const runs = Number(args.runs);
const cases = await sizes(args.photo, Number(args.megapixels));
if (args.chromium) {
  const code = await pageScript(new URL('./time-resample-page.ts', import.meta.url), 'resampleBench');
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: code });
    const photo = readFileSync(args.photo).toString('base64');
    for (const [width, height] of cases) {
      const timings = await page.evaluate(
        ([photo, width, height, runs]) => (globalThis as unknown as { resampleBench: typeof import('./time-resample-page.ts') }).resampleBench.timeInPage(photo, width, height, runs),
        [photo, width, height, runs] as const,
      );
      report('Chromium', width, height, timings);
    }
  } finally {
    await close();
  }
} else {
  for (const [width, height] of cases) {
    const image = await load(args.photo, width, height);
    report('Node', width, height, timeResizers(image, matteOf(image), runs));
  }
}
