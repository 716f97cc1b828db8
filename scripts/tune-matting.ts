/**
 * Edge-band matting (web/src/cutout/matting.ts) on the evaluation's photos: does
 * re-estimating the band around the matte's edge by closed-form matting beat the matte as
 * the pipeline makes it? Network maps come from the evaluation's cache (eval-data.ts).
 *
 *   tsx scripts/tune-matting.ts [--dir DIR] [--model ID] [--band 1.5,3] [--soft 0.1,0.25] [--thickness 0,1]
 *       [--epsilon 1e-5] [--prior 0.01] [--confident-prior 0.01,0.3] [--tolerance 1e-3,1e-2] [--iterations 200]
 *       [--limit N] [--per-photo]
 *
 * Each option takes a list; every combination is measured (the others at DEFAULT_MATTING).
 * For each it prints the mean refined scores with the matting (against the first line,
 * without), how many photos got better or worse (MAE by more than 0.0005, edge MAE by
 * more than 0.002, boundary F by more than 0.005), the band's share of the pixels and the
 * CPU time of the matting and the solver's iterations (mean, and at most); then the same band cut at 0.5 before and after (does the matting
 * move the edge, or only soften it?); `--per-photo` adds each photo's scores.
 */
import { parseArgs } from 'node:util';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { bandRuns, DEFAULT_MATTING, matteEdges, type MattingOptions } from '../web/src/cutout/matting.ts';
import { maskOfRuns } from '../web/src/cutout/mask-runs.ts';
import { matteFromMap, zoomPass } from '../web/src/cutout/pipeline.ts';
import { cachingInfer, defaultGtDir, listPairs, loadPair, modelMap, type Pair } from './lib/eval-data.ts';
import { meanScores, scoreMatte, type Scores } from './lib/metrics.ts';
import { closeNodeSessions } from './lib/node-engine.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: defaultGtDir },
    model: { type: 'string', default: manifest.default },
    band: { type: 'string', default: String(DEFAULT_MATTING.band) },
    prior: { type: 'string', default: String(DEFAULT_MATTING.prior) },
    'confident-prior': { type: 'string', default: String(DEFAULT_MATTING.confidentPrior) },
    epsilon: { type: 'string', default: String(DEFAULT_MATTING.epsilon) },
    thickness: { type: 'string', default: String(DEFAULT_MATTING.thickness) },
    soft: { type: 'string', default: String(DEFAULT_MATTING.soft) },
    tolerance: { type: 'string', default: String(DEFAULT_MATTING.tolerance) },
    iterations: { type: 'string', default: String(DEFAULT_MATTING.iterations) },
    limit: { type: 'string' },
    'per-photo': { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').map(Number);
const f = (x: number | null, d = 4) => (x === null ? '-' : x.toFixed(d));
const line = (label: string, s: Scores) => `${label.padEnd(34)}  ${f(s.mae)}  ${f(s.iou)}  ${f(s.edgeMae)}  ${f(s.boundaryF, 3)}`;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const model = modelInfo(args.model);
const pairs: Pair[] = [];
for (const file of listPairs(args.dir).slice(0, args.limit ? Number(args.limit) : undefined)) pairs.push(await loadPair(file));
// The matte as the app makes it today (cleanup, refinement, zoom), once per photo.
const infer = cachingInfer(model);
const firsts = [];
for (const pair of pairs) {
  const { input, map } = await modelMap(model, pair);
  const first = await zoomPass(pair.image, map, input.size, matteFromMap(map, input, pair.image, model), model, infer);
  firsts.push({ pair, first, size: input.size });
}
await closeNodeSessions();
const before = firsts.map(({ pair, first }) => scoreMatte(first, pair.truth, pair.ignore));
console.log(`${model.id}, ${pairs.length} photos (refined)        MAE     IoU     edge    BF`);
console.log(line('without matting', meanScores(before)));
// Every combination of the values given.
const settings: MattingOptions[] = [];
for (const band of list(args.band))
  for (const soft of list(args.soft))
    for (const thickness of list(args.thickness))
      for (const epsilon of list(args.epsilon))
        for (const prior of list(args.prior))
          for (const confidentPrior of list(args['confident-prior']))
            for (const tolerance of list(args.tolerance))
              for (const iterations of list(args.iterations))
                settings.push({ ...DEFAULT_MATTING, band, soft, thickness, epsilon, prior, confidentPrior, tolerance, iterations });
// The first setting's scores, for the others to be compared with photo by photo.
let first: Scores[] | undefined;
for (const options of settings) {
  const { band, soft, thickness, epsilon, prior, confidentPrior, tolerance, iterations } = options;
  const after: Scores[] = [];
  const hardened: Scores[] = [];
  const hardBefore: Scores[] = [];
  const ms: number[] = [];
  const bandShare: number[] = [];
  const its: number[] = [];
  for (const { pair, first, size } of firsts) {
    const t = process.cpuUsage();
    let used = 0;
    const matte = matteEdges(pair.image, first, size, options, (n) => (used = n));
    its.push(used);
    ms.push(cpuMs(t));
    const mask = maskOfRuns(bandRuns(first, size, options).runs);
    bandShare.push(mask.reduce((a, b) => a + b, 0) / mask.length);
    after.push(scoreMatte(matte, pair.truth, pair.ignore));
    // Diagnostics: the band cut at 0.5, after and before the matting (where it lands vs how soft it is).
    const cut = (m: typeof matte) => ({ ...m, data: m.data.map((v, i) => (mask[i] ? (v >= 128 ? 255 : 0) : v)) });
    hardened.push(scoreMatte(cut(matte), pair.truth, pair.ignore));
    hardBefore.push(scoreMatte(cut(first), pair.truth, pair.ignore));
  }
  const better = after.filter((s, i) => s.mae < before[i].mae - 0.0005).length;
  const worse = after.filter((s, i) => s.mae > before[i].mae + 0.0005).length;
  const edgeBetter = after.filter((s, i) => (s.edgeMae ?? 0) < (before[i].edgeMae ?? 0) - 0.002).length;
  const edgeWorse = after.filter((s, i) => (s.edgeMae ?? 0) > (before[i].edgeMae ?? 0) + 0.002).length;
  const bfBetter = after.filter((s, i) => s.boundaryF > before[i].boundaryF + 0.005).length;
  const bfWorse = after.filter((s, i) => s.boundaryF < before[i].boundaryF - 0.005).length;
  const totalMs = ms.reduce((a, b) => a + b, 0);
  console.log(
    `${line(`band ${band} soft ${soft} thick ${thickness} eps ${epsilon} prior ${prior}/${confidentPrior} tol ${tolerance}/${iterations}`, meanScores(after))}  MAE +${better}/-${worse}; edge +${edgeBetter}/-${edgeWorse}; BF +${bfBetter}/-${bfWorse}; band ${(100 * bandShare.reduce((a, b) => a + b, 0) / bandShare.length).toFixed(1)}% of pixels; ${(totalMs / ms.length).toFixed(0)} ms/photo; ${(its.reduce((a, b) => a + b, 0) / its.length).toFixed(0)} iterations (at most ${Math.max(...its)})`,
  );
  if (first) {
    // Against the first setting: the change of each mean (to more places than above) and the photos it moved.
    const base = first, m0 = meanScores(base), m1 = meanScores(after);
    const d = (k: 'mae' | 'iou' | 'edgeMae' | 'boundaryF') => `${f(m0[k], 5)} -> ${f(m1[k], 5)}`;
    const maeDeltas = after.map((s, i) => s.mae - base[i].mae);
    const count = (k: 'mae' | 'edgeMae' | 'boundaryF', sign: number, by: number) => after.filter((s, i) => sign * ((s[k] ?? 0) - (base[i][k] ?? 0)) > by).length;
    console.log(
      `  against the first setting: means MAE ${d('mae')}, IoU ${d('iou')}, edge ${d('edgeMae')}, BF ${d('boundaryF')}; ` +
        `MAE worse on ${count('mae', 1, 0.0005)}, better on ${count('mae', -1, 0.0005)} (by 0.0005), at worst ${Math.max(...maeDeltas).toFixed(5)}; ` +
        `edge worse/better ${count('edgeMae', 1, 0.002)}/${count('edgeMae', -1, 0.002)}; BF worse/better ${count('boundaryF', -1, 0.005)}/${count('boundaryF', 1, 0.005)}`,
    );
  } else first = after;
  console.log(line('  band cut at 0.5, before', meanScores(hardBefore)));
  console.log(line('  band cut at 0.5, after', meanScores(hardened)));
  if (args['per-photo']) {
    for (const [i, { pair }] of firsts.entries()) {
      const b = before[i], a = after[i];
      console.log(`  ${pair.name.padEnd(30)} MAE ${f(b.mae)} -> ${f(a.mae)}  edge ${f(b.edgeMae)} -> ${f(a.edgeMae)}  BF ${f(b.boundaryF, 3)} -> ${f(a.boundaryF, 3)}  band ${(100 * bandShare[i]).toFixed(1)}%  ${ms[i].toFixed(0)} ms  ${its[i]} it`);
    }
  }
}
