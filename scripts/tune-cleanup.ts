/**
 * Mask cleanup (web/src/cutout/mask-cleanup.ts) on the evaluation's cached maps (run
 * `npm run eval` first; photos without a cached map are skipped, the network never runs).
 *
 *   tsx scripts/tune-cleanup.ts [--dir DIR] [--model ID | --onnx FILE] [--min-island 0.01,0.02] [--reach 0.01,0.02,0.04]
 *
 * A reach of 1 or more removes islands only.
 *
 * For each model and setting: mean refined MAE, IoU, edge MAE and boundary F without and
 * with the cleanup, and per photo how many got better or worse (by more than 0.0005 MAE),
 * naming the photos that got worse.
 */
import { parseArgs } from 'node:util';
import { cleanMap, type CleanupOptions } from '../web/src/cutout/mask-cleanup.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { refineAlpha } from '../web/src/cutout/refine.ts';
import { modelInfoFromFile } from './lib/onnx/model-file.ts';
import { cachedMap, defaultGtDir, listPairs, loadPair, type Pair } from './lib/eval-data.ts';
import { formatScore, meanScores, scoreMatte, type Scores } from './lib/metrics.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: defaultGtDir },
    model: { type: 'string' },
    onnx: { type: 'string' },
    'min-island': { type: 'string', default: '0.02' },
    reach: { type: 'string', default: '0.02' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const grid: CleanupOptions[] = [];
for (const minIsland of list(args['min-island'])) for (const reach of list(args.reach)) grid.push({ minIsland, reach });

const pairs: Pair[] = [];
for (const file of listPairs(args.dir)) pairs.push(await loadPair(file));
const line = (label: string, s: Scores) => `${label.padEnd(36)}  ${formatScore(s.mae)}  ${formatScore(s.iou)}  ${formatScore(s.edgeMae)}  ${formatScore(s.boundaryF)}`;

const models = args.onnx ? [modelInfoFromFile(args.onnx, modelInfo())] : args.model ? [modelInfo(args.model)] : manifest.models;
for (const model of models) {
  const maps = pairs.flatMap((pair) => {
    const hit = cachedMap(model, pair);
    return hit ? [{ pair, ...hit }] : [];
  });
  if (maps.length === 0) {
    console.log(`${model.id}: no cached maps; run npm run eval first`);
    continue;
  }
  // Scored on the raw map (a manifest entry's own cleanup is what is being tuned).
  const before = maps.map(({ pair, input, map }) => scoreMatte(refineAlpha(map, input, pair.image), pair.truth, pair.ignore));
  console.log(`${model.id} on ${maps.length} photos, refined      MAE     IoU     edge    BF`);
  console.log(line('without cleanup', meanScores(before)));
  for (const options of grid) {
    const after = maps.map(({ pair, input, map }) => scoreMatte(refineAlpha(cleanMap(map, input.size, options), input, pair.image), pair.truth, pair.ignore));
    const better = after.filter((s, i) => s.mae < before[i].mae - 0.0005).length;
    const worse = after.flatMap((s, i) => (s.mae > before[i].mae + 0.0005 ? [`${maps[i].pair.name} ${formatScore(before[i].mae)}->${formatScore(s.mae)}`] : []));
    console.log(`${line(JSON.stringify(options), meanScores(after))}  better ${better}, worse ${worse.length}${worse.length ? `: ${worse.join(', ')}` : ''}`);
  }
  console.log('');
}
