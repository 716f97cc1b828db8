/**
 * Grid search of the refinement's settings on the evaluation's cached maps (run
 * `npm run eval` first; photos without a cached map are skipped, the network never runs).
 *
 *   tsx scripts/tune-refine.ts [--dir DIR] [--model ID] [--limit N]
 *       [--radius 2,4,8] [--epsilon 1e-4,1e-3,1e-2] [--bound 0,2,4] [--map-size S]
 *
 * `--map-size 256` shrinks each map (and the guide) to 256×256 first: the dev photos are
 * smaller than the network's 1024 pixels, so this stands in for the case refinement is
 * for, a photo several times larger than the map.
 *
 * Prints, per model, the plain bilinear baseline and every setting's mean MAE, IoU,
 * edge MAE and boundary F, best edge MAE first, and the median refine time per photo.
 * The app has no `bound` (it changed nothing): settings with bound > 0 run the tests'
 * reference copy of refine.ts (tests/unit/cutout/support/refine-reference.ts), whose
 * times are the unstreamed code's, not the app's.
 */
import { parseArgs } from 'node:util';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { refineAlpha, upsampleAlpha } from '../web/src/cutout/refine.ts';
import { refineAlphaReference, type RefineOptions } from '../tests/unit/cutout/support/refine-reference.ts';
import { resizePlane } from '../tests/unit/cutout/support/resample-reference.ts';
import { cachedMap, defaultGtDir, listPairs, loadPair, type Pair } from './lib/eval-data.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { median } from './lib/median.ts';
import { formatScore, meanScores, scoreMatte, type Scores } from './lib/metrics.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: defaultGtDir },
    model: { type: 'string' },
    limit: { type: 'string' },
    radius: { type: 'string', default: '2,4,8' },
    epsilon: { type: 'string', default: '1e-4,1e-3,1e-2' },
    bound: { type: 'string', default: '0,2,4' },
    'map-size': { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const grid: RefineOptions[] = [];
for (const radius of list(args.radius)) for (const epsilon of list(args.epsilon)) for (const bound of list(args.bound)) grid.push({ radius, epsilon, bound });

const mapSize = args['map-size'] ? Number(args['map-size']) : undefined;
const files = listPairs(args.dir).slice(0, args.limit ? Number(args.limit) : undefined);
const pairs: Pair[] = [];
for (const file of files) pairs.push(await loadPair(file));
const cpuMs = (fn: () => void) => {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};

for (const model of args.model ? [modelInfo(args.model)] : manifest.models) {
  const maps = [];
  for (const pair of pairs) {
    // Only cached maps: tuning must never run the network.
    const hit = cachedMap(model, pair);
    if (!hit) continue;
    if (!mapSize) maps.push({ pair, input: hit.input, map: hit.map });
    else {
      const input = preprocess(pair.image, { ...model, inputSize: mapSize });
      maps.push({ pair, input, map: resizePlane(hit.map, hit.input.size, hit.input.size, mapSize, mapSize) });
    }
  }
  if (maps.length === 0) {
    console.log(`${model.id}: no cached maps; run npm run eval first`);
    continue;
  }
  const plain = meanScores(maps.map(({ pair, input, map }) => scoreMatte(upsampleAlpha(map, input.size, pair.image.width, pair.image.height), pair.truth, pair.ignore)));
  const rows: { options: RefineOptions; s: Scores; ms: number }[] = [];
  for (const [k, options] of grid.entries()) {
    const scores: Scores[] = [];
    const times: number[] = [];
    for (const { pair, input, map } of maps) {
      let alpha!: ReturnType<typeof refineAlpha>;
      const refine = options.bound ? refineAlphaReference : refineAlpha;
      times.push(cpuMs(() => (alpha = refine(map, input, pair.image, options))));
      scores.push(scoreMatte(alpha, pair.truth, pair.ignore));
    }
    rows.push({ options, s: meanScores(scores), ms: median(times) });
    process.stderr.write(`\r[${model.id}] setting ${k + 1}/${grid.length}`);
  }
  process.stderr.write('\n');
  rows.sort((a, b) => (a.s.edgeMae ?? 0) - (b.s.edgeMae ?? 0));
  console.log(`${model.id} on ${maps.length} photos, map ${maps[0].input.size}² (${manifest.default === model.id ? 'default model' : 'not the default'})`);
  console.log(`${'setting'.padEnd(40)}  MAE     IoU     edge    BF      cpu ms`);
  console.log(`${'plain bilinear'.padEnd(40)}  ${formatScore(plain.mae)}  ${formatScore(plain.iou)}  ${formatScore(plain.edgeMae)}  ${formatScore(plain.boundaryF)}`);
  for (const { options, s, ms } of rows) {
    const flag = s.mae <= plain.mae && s.iou >= plain.iou && (s.edgeMae ?? 1) < (plain.edgeMae ?? 0) ? ' *' : '';
    console.log(`${JSON.stringify(options).padEnd(40)}  ${formatScore(s.mae)}  ${formatScore(s.iou)}  ${formatScore(s.edgeMae)}  ${formatScore(s.boundaryF)}  ${ms.toFixed(0)}${flag}`);
  }
  console.log('(* = no worse than plain on MAE and IoU, and better on edge MAE)\n');
}
