/**
 * Foreground colours on a large photo (web/src/cutout/foreground.ts), measured on the
 * evaluation's photos: is solving the edge band at a working size, and fitting the photo's
 * own edge pixels from there, as good as solving the band at the photo's full size?
 *
 *   tsx scripts/tune-foreground.ts [--dir DIR] [--model ID] [--as-side 6000] [--band-sides 1536,2048] [--limit N]
 *   tsx scripts/tune-foreground.ts --dense-sides 1024,1024+3,512+0 [--per-photo]
 *
 * With --dense-sides the photos are taken at their own sizes and each setting of
 * maxDenseSide is compared with the first (the levels over it, the photo's own among them,
 * solved on their edge band alone). The photo's own level, when no larger, is solved whole,
 * or with +M on its band and M pixels around it (ownBandMargin). --per-photo prints each
 * photo's errors.
 *
 * The dev photos are about 1 megapixel, below the sizes where the estimation changes its
 * way, so each photo is treated as a photo of `--as-side` pixels on its longer side would
 * be: the size limits (maxDenseSide, maxBandSide) are scaled by the photo's side over
 * `--as-side`. Each photo, composited by its true matte over the next one (as `npm run
 * eval` does), is cut out with its true matte and with the model's matte (as the app makes
 * it), and the edge colour error (scripts/lib/edge-colour.ts) is printed for: every level
 * solved whole (the method without limits), the band at the photo's full size (the way
 * before the working size), and the band at each working side. Lower is better; CPU ms is
 * the median time of the estimation per photo.
 */
import { parseArgs } from 'node:util';
import { coverFit } from '../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND, foregroundColours, type ForegroundOptions } from '../web/src/cutout/foreground.ts';
import type { AlphaMatte } from '../web/src/cutout/image.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, mattingPass, zoomPass } from '../web/src/cutout/pipeline.ts';
import { compositeOver, edgeColourError } from './lib/edge-colour.ts';
import { cachingInfer, defaultGtDir, listPairs, loadPair, modelMap, type Pair } from './lib/eval-data.ts';
import { median } from './lib/median.ts';
import { formatScore } from './lib/metrics.ts';
import { closeNodeSessions } from './lib/node-engine.ts';
import { table } from './lib/table.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: defaultGtDir },
    model: { type: 'string', default: manifest.default },
    'as-side': { type: 'string', default: '6000' },
    'band-sides': { type: 'string', default: '1536,2048' },
    limit: { type: 'string' },
    'dense-sides': { type: 'string' },
    'per-photo': { type: 'boolean', default: false },
  },
});
const asSide = Number(args['as-side']);
const bandSides = args['band-sides'].split(',').map(Number);
const model = modelInfo(args.model);

const pairs: Pair[] = [];
for (const file of listPairs(args.dir).slice(0, args.limit ? Number(args.limit) : undefined)) pairs.push(await loadPair(file));
const composites = pairs.map((pair, i) => compositeOver(pair.image, pair.truth, coverFit(pairs[(i + 1) % pairs.length].image, pair.image.width, pair.image.height)));

// The model's matte as the app makes it (cleanup, refinement, zoom, matting).
const infer = cachingInfer(model);
const mattes: AlphaMatte[] = [];
for (const pair of pairs) {
  const { input, map } = await modelMap(model, pair);
  const first = await zoomPass(pair.image, map, input.size, matteFromMap(map, input, pair.image, model), model, infer);
  mattes.push(mattingPass(pair.image, first, input.size, model));
  console.error(`matte ${mattes.length}/${pairs.length} ${pair.name}`);
}
await closeNodeSessions();

/** The estimation's settings for a photo of long side `side`, scaled as if it were `asSide` long. */
type Config = { name: string; options: (side: number) => ForegroundOptions };
const scaled = (side: number, limit: number) => Math.max(2, Math.round((limit * side) / asSide));
// A side alone: the photo's own level, when not over it, solved whole; followed by +M: solved on
// its band and M pixels around it (ownBandMargin).
const denseSides = args['dense-sides']?.split(',');
const configs: Config[] = denseSides ? denseSides.map((d) => {
  const [side, margin] = d.split('+').map(Number);
  const ownBandMargin = Number.isFinite(margin) ? margin : undefined;
  return { name: `dense up to ${side}²${ownBandMargin === undefined ? '' : `, own level on band +${margin} px`}`, options: () => ({ ...DEFAULT_FOREGROUND, maxDenseSide: side, ownBandMargin }) };
}) : [
  { name: 'every level whole', options: () => ({ ...DEFAULT_FOREGROUND, maxDenseSide: 1e6, maxBandSide: 1e6, ownBandMargin: undefined }) },
  { name: 'band at full size', options: (s) => ({ ...DEFAULT_FOREGROUND, maxDenseSide: scaled(s, DEFAULT_FOREGROUND.maxDenseSide), maxBandSide: 1e6 }) },
  ...bandSides.map((b) => ({
    name: `band at ${b} of ${asSide}`,
    options: (s: number) => ({ ...DEFAULT_FOREGROUND, maxDenseSide: scaled(s, DEFAULT_FOREGROUND.maxDenseSide), maxBandSide: scaled(s, b) }),
  })),
];

const rows: string[][] = [];
let reference: { truth: number[]; model: number[] } | undefined;
for (const config of configs) {
  const truthErr: number[] = [], modelErr: number[] = [], cpu: number[] = [];
  for (const [i, pair] of pairs.entries()) {
    const options = config.options(Math.max(pair.image.width, pair.image.height));
    const t = process.cpuUsage();
    foregroundColours(composites[i], mattes[i], options);
    const d = process.cpuUsage(t);
    cpu.push((d.user + d.system) / 1000);
    truthErr.push(edgeColourError(pair.image, pair.truth, composites[i], pair.truth, options) ?? NaN);
    modelErr.push(edgeColourError(pair.image, pair.truth, composites[i], mattes[i], options) ?? NaN);
  }
  const mean = (xs: number[]) => {
    const v = xs.filter((x) => !Number.isNaN(x));
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  // Photos better / worse than the band at full size by more than 0.0005.
  const versus = (xs: number[], ref: number[] | undefined) =>
    ref ? `${xs.filter((x, k) => x < ref[k] - 0.0005).length}/${xs.filter((x, k) => x > ref[k] + 0.0005).length}` : '';
  if (config.name === 'band at full size' || (denseSides && !reference)) reference = { truth: truthErr, model: modelErr };
  const ref = denseSides ? (config === configs[0] ? undefined : reference) : config.name.startsWith('band at ') && config.name !== 'band at full size' ? reference : undefined;
  if (args['per-photo']) {
    for (const [i, pair] of pairs.entries()) console.log(`${config.name}\t${pair.name}\ttrue ${truthErr[i].toFixed(5)}\tmodel ${modelErr[i].toFixed(5)}\tcpu ${cpu[i].toFixed(1)}`);
  }
  rows.push([config.name, formatScore(mean(truthErr)), versus(truthErr, ref?.truth), formatScore(mean(modelErr)), versus(modelErr, ref?.model), median(cpu).toFixed(1)]);
}
console.log(`${model.id}, ${pairs.length} photos, ${denseSides ? 'each at its own size' : `each as if ${asSide} px on its longer side`}`);
console.log(table(['foreground', 'edge colour, true matte', 'better/worse', `edge colour, ${model.id}`, 'better/worse', 'CPU ms'], rows));
console.log(`better/worse: photos whose edge colour error is lower/higher than ${denseSides ? 'the first setting' : 'the band at full size'} by more than 0.0005.`);
