/**
 * Fusion of several network views on the evaluation's photos: does combining two or more
 * mattes (another model, another input size, the mirrored photo) beat one? Every map comes
 * from the evaluation's cache (eval-data.ts); a view missing from it is inferred and cached.
 * Also measures a model with other cleanup, zoom or matting settings (a view's `@{...}`).
 *
 *   tsx scripts/tune-fusion.ts [--dir DIR] [--limit N] [--per-photo] [--unsure U] CANDIDATE...
 *
 * A view is a model id, optionally followed by `+flip` (the mirrored photo's map, mirrored
 * back, as `npm run eval -- --flip` caches it) and by `@{JSON}` (fields that replace the
 * manifest entry's, e.g. `@{"cleanup":{"minIsland":0.01,"reach":1}}`). A candidate is one
 * view or several joined by `,`: their refined mattes (each at the photo's size, as the app
 * makes it for that model: cleanup, zoom and matting included) are averaged per pixel, or
 * with a `median:` prefix, their per-pixel median is taken; with `medoid:` the one matte
 * closest to the others (least total absolute difference) is kept whole, with `surest:`
 * the one with the fewest unsure pixels (alpha between `--unsure`, 0.1 by default, and 1
 * minus it). The first candidate is the
 * baseline the others are compared with, photo by photo (MAE by more than 0.0005, IoU by
 * more than 0.002, boundary F by more than 0.005).
 */
import { parseArgs } from 'node:util';
import { modelInfo, type ModelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, mattingPass, zoomPass } from '../web/src/cutout/pipeline.ts';
import type { AlphaMatte } from '../web/src/cutout/image.ts';
import { cachingInfer, defaultGtDir, listPairs, loadPair, mirroredMap, modelMap, type Pair } from './lib/eval-data.ts';
import { surer } from '../web/src/cutout/surer.ts';
import { formatScore, meanScores, scoreMatte, type Scores } from './lib/metrics.ts';
import { closeNodeSessions } from './lib/node-engine.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: defaultGtDir },
    limit: { type: 'string' },
    'per-photo': { type: 'boolean', default: false },
    /** `surest:` counts a pixel unsure when its alpha lies strictly between this and 1 minus it. */
    unsure: { type: 'string', default: '0.1' },
  },
});

/** One view's refined matte, as the app makes it for that model (cleanup, zoom and matting included). */
async function viewMatte(view: string, pair: Pair): Promise<AlphaMatte> {
  const [name, settings] = view.split('@');
  const [id, flag] = name.split('+');
  // `@{...}` overrides the manifest entry's fields (cleanup, zoom, matting) for this view.
  const model: ModelInfo = { ...modelInfo(id), ...(settings ? JSON.parse(settings) : {}) };
  if (flag === 'flip') {
    const { input, map } = await mirroredMap(model, pair);
    return mattingPass(pair.image, matteFromMap(map, input, pair.image, model), input.size, model);
  }
  const { input, map } = await modelMap(model, pair);
  const first = await zoomPass(pair.image, map, input.size, matteFromMap(map, input, pair.image, model), model, cachingInfer(model));
  return mattingPass(pair.image, first, input.size, model);
}

type Fusion = 'mean' | 'median' | 'medoid' | 'surest';

/** Total absolute difference between two mattes of one size. */
function distance(a: AlphaMatte, b: AlphaMatte): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum;
}

/**
 * One matte from several of one size: per pixel their mean or median (rounded); or one
 * of them whole: the medoid (the least total difference from the others) or the surest
 * (the fewest unsure pixels, `--unsure`).
 */
function fuse(mattes: AlphaMatte[], how: Fusion): AlphaMatte {
  if (how === 'medoid') {
    const cost = mattes.map((a) => mattes.reduce((sum, b) => sum + distance(a, b), 0));
    return mattes[cost.indexOf(Math.min(...cost))];
  }
  // The product's choice (surer.ts), pair by pair: the first of the surest on a tie.
  if (how === 'surest') return mattes.reduce((best, m) => surer(best, m, Number(args.unsure)));
  const median = how === 'median';
  const { width, height } = mattes[0];
  const data = new Uint8Array(width * height);
  const values = new Float64Array(mattes.length);
  for (let i = 0; i < data.length; i++) {
    if (median) {
      for (const [k, m] of mattes.entries()) values[k] = m.data[i];
      values.sort();
      const mid = values.length >> 1;
      data[i] = values.length % 2 ? values[mid] : Math.round((values[mid - 1] + values[mid]) / 2);
      continue;
    }
    let sum = 0;
    for (const m of mattes) sum += m.data[i];
    data[i] = Math.round(sum / mattes.length);
  }
  return { width, height, data };
}

const fusionOf = (p: string): Fusion => (/^(median|medoid|surest):/.exec(p)?.[1] as Fusion | undefined) ?? 'mean';
const candidates = positionals.map((p) => p.replace(/^(median|medoid|surest):/, '').split(/,(?![^{]*})/));
const pairs: Pair[] = [];
for (const file of listPairs(args.dir).slice(0, args.limit ? Number(args.limit) : undefined)) pairs.push(await loadPair(file));
const scores: Scores[][] = candidates.map(() => []);
for (const pair of pairs) {
  const cache = new Map<string, AlphaMatte>();
  for (const [c, views] of candidates.entries()) {
    const mattes: AlphaMatte[] = [];
    for (const view of views) {
      if (!cache.has(view)) cache.set(view, await viewMatte(view, pair));
      mattes.push(cache.get(view)!);
    }
    scores[c].push(scoreMatte(fuse(mattes, fusionOf(positionals[c])), pair.truth, pair.ignore));
  }
  console.error(`${pair.name} done`);
}
await closeNodeSessions();

const base = scores[0];
const count = (xs: Scores[], key: 'mae' | 'iou' | 'boundaryF', better: number, margin: number) =>
  xs.filter((s, i) => (s[key] - base[i][key]) * better > margin).length;
console.log(`${pairs.length} photos, refined; +better/-worse than ${positionals[0]} (MAE by > 0.0005, IoU by > 0.002, BF by > 0.005)`);
console.log(['candidate'.padEnd(48), 'MAE   ', 'IoU   ', 'edge  ', 'BF   ', 'MAE +/-', 'IoU +/-', 'BF +/-'].join('  '));
for (const [c, s] of scores.entries()) {
  const m = meanScores(s);
  const wl = (key: 'mae' | 'iou' | 'boundaryF', better: number, margin: number) => `+${count(s, key, better, margin)}/-${count(s, key, -better, margin)}`;
  console.log([positionals[c].padEnd(48), formatScore(m.mae), formatScore(m.iou), formatScore(m.edgeMae), formatScore(m.boundaryF, 3), wl('mae', -1, 0.0005).padEnd(7), wl('iou', 1, 0.002).padEnd(7), wl('boundaryF', 1, 0.005)].join('  '));
}
if (args['per-photo']) {
  console.log(`\nper photo: MAE / IoU / BF for each candidate in order`);
  for (const [i, pair] of pairs.entries()) {
    console.log(`${pair.name.padEnd(28)} ${scores.map((s) => `${formatScore(s[i].mae)} ${formatScore(s[i].iou)} ${formatScore(s[i].boundaryF, 3)}`).join(' | ')}`);
  }
}
