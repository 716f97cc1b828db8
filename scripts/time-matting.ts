/**
 * Times the edge-band matting (matteEdges, web/src/cutout/matting.ts) against the copy of its
 * earlier version kept as the tests' reference (tests/unit/cutout/support/matting-reference.ts),
 * interleaved, on mattes the model cut with the app's refinement: some photos at their own
 * size (about 1 MP and under), and `--megapixels` enlarges the first with Lanczos to stand in
 * for a camera photo (none of the dev or fixture photos is that large; 0: none). Each run
 * times both, in alternating order, and checks that their mattes are equal byte for byte.
 * `--chromium` runs the same in headless Chromium (scripts/time-matting-page.ts: the photo
 * decoded and enlarged by the browser, the matte made there from Node's map). `--old REV`
 * times against matting.ts (and mask-runs.ts) as they were at a git revision instead of the
 * tests' reference (a copy in a temporary directory). Take the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-matting.ts [--photo FILE]... [--megapixels 24] [--model ID] [--runs 11] [--chromium] [--old main]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bandRuns, DEFAULT_MATTING, matteEdges } from '../web/src/cutout/matting.ts';
import { runsArea } from '../web/src/cutout/mask-runs.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { resizeRgbAndMatteBytes } from '../web/src/cutout/resample.ts';
import { matteEdgesReference } from '../tests/unit/cutout/support/matting-reference.ts';
import { launchChromium } from './lib/chromium.ts';
import { median } from './lib/median.ts';
import { pageScript } from './lib/page-script.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { rootDir, sharedTestdata } from './lib/paths.ts';
import { timingCases } from './lib/enlarged-photo.ts';
import { interleaved } from './lib/interleaved.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', multiple: true, default: ['cloth-1', 'animal-1', 'plants-1'].map((n) => join(sharedTestdata, 'photos', `${n}.jpg`)) },
    megapixels: { type: 'string', default: '24' },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '11' },
    chromium: { type: 'boolean', default: false },
    old: { type: 'string' },
  },
});

/**
 * matting.ts and mask-runs.ts as they were at `rev`, written to a temporary directory with
 * their other imports pointed back at web/src/cutout, and a page entry that times them.
 */
function oldMatting(rev: string): { dir: string; matting: string; page: string } {
  const dir = mkdtempSync(join(tmpdir(), 'matting-old-'));
  const cutout = join(rootDir, 'web', 'src', 'cutout');
  for (const file of ['matting.ts', 'mask-runs.ts']) {
    const text = execFileSync('git', ['show', `${rev}:web/src/cutout/${file}`], { cwd: rootDir, encoding: 'utf8' });
    writeFileSync(join(dir, file), text.replace(/from '\.\/(?!matting\.ts|mask-runs\.ts)/g, `from '${cutout}/`));
  }
  const page = join(dir, 'page.ts');
  writeFileSync(
    page,
    `import { matteEdges } from './matting.ts';\nimport { timeMattingAgainst } from '${join(rootDir, 'scripts', 'time-matting-page.ts')}';\n` +
      `export const timeMatting = (...args: [string, string, number, string, number]) => timeMattingAgainst(matteEdges, ...args);\n`,
  );
  return { dir, matting: join(dir, 'matting.ts'), page };
}
const old = args.old ? oldMatting(args.old) : undefined;
const matteEdgesOld: typeof matteEdgesReference = old ? (await import(old.matting)).matteEdges : matteEdgesReference;

const model = modelInfo(args.model);
const options = { ...DEFAULT_MATTING, ...model.matting };
const cases = await timingCases(args.photo, Number(args.megapixels));

const prepared = [];
for (const { name, file, megapixels, image } of cases) {
  const input = preprocess(image, model);
  const map = await inferNode(model, input);
  prepared.push({ name, file, megapixels, image, map, size: input.size, matte: matteFromMap(map, input, image, model) });
}
await closeNodeSessions();

const report = (name: string, width: number, height: number, before: number[], now: number[], band = '') => {
  const o = median(before), n = median(now);
  console.log(
    `${name} ${width}x${height} (${((width * height) / 1e6).toFixed(2)} MP), ${model.id}:${band} old median ${o.toFixed(1)} ms, new median ${n.toFixed(1)} ms,` +
      ` new/old ${(n / o).toFixed(2)} (${before.length} runs each; identical mattes)`,
  );
};

if (args.chromium) {
  const code = await pageScript(old ? new URL(`file://${old.page}`) : new URL('./time-matting-page.ts', import.meta.url), 'mattingBench');
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({ content: code });
    for (const { name, file, megapixels, map } of prepared) {
      const photo = readFileSync(file).toString('base64');
      const probabilities = Buffer.from(map.buffer, map.byteOffset, map.byteLength).toString('base64');
      const { width, height, old: before, now } = await page.evaluate(
        ([photo, probabilities, megapixels, id, runs]) =>
          (globalThis as unknown as { mattingBench: typeof import('./time-matting-page.ts') }).mattingBench.timeMatting(photo, probabilities, megapixels, id, runs),
        [photo, probabilities, megapixels, model.id, Number(args.runs)] as const,
      );
      report(`${name} (Chromium)`, width, height, before, now);
    }
  } finally {
    await close();
    if (old) rmSync(old.dir, { recursive: true });
  }
  process.exit(0);
}

for (const { name, image, size, matte } of prepared) {
  const { old: oldTimes, now } = interleaved(Number(args.runs), () => matteEdgesOld(image, matte, size, options).data, () => matteEdges(image, matte, size, options).data, `${name}: the mattes`);
  // The band as matteEdges solves it: at the photo's size, or at the working size for a large photo.
  const scale = Math.min(1, options.maxSide / Math.max(image.width, image.height));
  const ws = Math.max(1, Math.round(image.width * scale)), hs = Math.max(1, Math.round(image.height * scale));
  const working = scale < 1 ? { width: ws, height: hs, data: resizeRgbAndMatteBytes(image, matte, ws, hs).matte } : matte;
  const { runs, radius } = bandRuns(working, size, options);
  const band = runsArea(runs);
  const where = scale < 1 ? `solved at ${ws}x${hs}: ` : '';
  report(name, image.width, image.height, oldTimes, now, ` ${where}band radius ${radius} px, ${band} band pixels (${((100 * band) / (ws * hs)).toFixed(1)}%);`);
}
if (old) rmSync(old.dir, { recursive: true });
