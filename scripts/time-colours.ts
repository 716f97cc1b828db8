/**
 * Times compose (web/src/cutout/compose.ts, most of it the foreground colours of
 * foreground*.ts) against the copies of their earlier versions kept as the tests' reference
 * (tests/unit/cutout/support/colours-reference/),
 * interleaved, on real photos and the mattes the model and the app's refinement give them
 * (each photo cut once). Each run times both, in alternating order, and checks that their
 * bytes are equal. Take the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-colours.ts [--photo FILE]... [--runs 11] [--chromium]
 *
 * With --chromium, compose alone is timed in headless Chromium (scripts/time-colours-page.ts
 * bundled by Vite; the pixels and the matte Node's).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { compose } from '../web/src/cutout/compose.ts';
import type { RgbaImage } from '../web/src/cutout/image.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, mattingPass } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { compose as composeReference } from '../tests/unit/cutout/support/colours-reference/compose.ts';
import { launchChromium } from './lib/chromium.ts';
import { pageScript } from './lib/page-script.ts';
import { median } from './lib/median.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { sharedTestdata } from './lib/paths.ts';

const dir = join(sharedTestdata, 'photos');
const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', multiple: true, default: ['animal-1', 'cloth-1', 'plants-1', 'anime-girl-1'].map((n) => `${dir}/${n}.jpg`) },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '11' },
    chromium: { type: 'boolean', default: false },
  },
});

const model = modelInfo(args.model);
const cases = [];
for (const file of args.photo) {
  const { data, info } = await sharp(file).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: RgbaImage = { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
  const input = preprocess(image, model);
  const first = matteFromMap(await inferNode(model, input), input, image, model);
  cases.push({ name: file.split('/').pop()!, image, matte: mattingPass(image, first, input.size, model) });
}
await closeNodeSessions();

if (args.chromium) {
  const code = await pageScript(new URL('./time-colours-page.ts', import.meta.url), 'coloursBench');
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: code });
    for (const { name, image, matte } of cases) {
      const base64 = (a: Uint8Array | Uint8ClampedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
      const { old, now } = await page.evaluate(
        ([pixels, alpha, width, height, runs]) => (globalThis as unknown as { coloursBench: typeof import('./time-colours-page.ts') }).coloursBench.timeCompose(pixels, alpha, width, height, runs),
        [base64(image.data), base64(matte.data), image.width, image.height, Number(args.runs)] as const,
      );
      const o = median(old), n = median(now);
      console.log(`${name} ${image.width}x${image.height} (Chromium): compose old ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (${args.runs} runs each, medians; identical bytes)`);
    }
  } finally {
    await close();
  }
  process.exit(0);
}

/** Old and new `runs` times each, interleaved (alternating which goes first), their outputs compared. */
function ab(name: string, old: () => ArrayLike<number>, now: () => ArrayLike<number>): string {
  const times: [number[], number[]] = [[], []], cpu: [number[], number[]] = [[], []];
  for (let run = 0; run < Number(args.runs); run++) {
    const out: ArrayLike<number>[] = [];
    for (const which of run % 2 ? [0, 1] : [1, 0]) {
      const started = performance.now(), usage = process.cpuUsage();
      out[which] = (which ? now : old)();
      const used = process.cpuUsage(usage);
      times[which].push(performance.now() - started);
      cpu[which].push((used.user + used.system) / 1000);
    }
    if (Buffer.compare(Buffer.from(out[0] as Uint8Array), Buffer.from(out[1] as Uint8Array)) !== 0) throw new Error(`${name}: old and new differ`);
  }
  const [o, n] = times.map(median), [co, cn] = cpu.map(median);
  return `${name} old ${o.toFixed(1)} ms, new ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (CPU ${co.toFixed(1)} -> ${cn.toFixed(1)} ms, ${(cn / co).toFixed(2)})`;
}

for (const { name, image, matte } of cases) {
  console.log(`${name} ${image.width}x${image.height}: ${ab('compose', () => composeReference(image, matte).data, () => compose(image, matte).data)} (${args.runs} runs each, medians; identical bytes)`);
}
