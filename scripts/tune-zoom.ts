/**
 * Subject zoom (web/src/cutout/zoom.ts) on the evaluation's photos: when does a second pass
 * on the crop around the subject pay? Both passes' maps are inferred once per model and
 * photo or crop and cached with the evaluation's (eval-data.ts).
 *
 *   tsx scripts/tune-zoom.ts [--dir DIR] [--model ID] [--margin 0.1,0.25] [--max-share 0.2,0.35,0.5,0.7] [--min-agreement 0,0.8,0.9] [--limit N]
 *
 * For each model and margin, every photo whose crop covers at most the largest maxShare is cut again;
 * then for each `maxShare` (zoom only when the crop covers at most that share of the photo)
 * and `minAgreement` (keep the second pass only when its mask agrees that much with the first's)
 * it prints the mean refined scores with and without the zoom, how many photos zoomed (the
 * second inference's cost), and per photo which got better or worse by more than 0.0005
 * MAE. The per-photo table lists every zoomed photo's crop share and scores.
 */
import { parseArgs } from 'node:util';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { agreement, cropImage, mergeZoom, zoomFeather, zoomRect } from '../web/src/cutout/zoom.ts';
import { cleanMap } from '../web/src/cutout/mask-cleanup.ts';
import { cachingInfer, modelMap, defaultGtDir, listPairs, loadPair, type Pair } from './lib/eval-data.ts';
import { formatScore, meanScores, scoreMatte, type Scores } from './lib/metrics.ts';
import { closeNodeSessions } from './lib/node-engine.ts';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: defaultGtDir },
    model: { type: 'string' },
    margin: { type: 'string', default: '0.1,0.25' },
    'max-share': { type: 'string', default: '0.2,0.3,0.4,0.5,0.6,0.7' },
    'min-agreement': { type: 'string', default: '0,0.8,0.9' },
    limit: { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map(Number);
const pairs: Pair[] = [];
for (const file of listPairs(args.dir).slice(0, args.limit ? Number(args.limit) : undefined)) pairs.push(await loadPair(file));
const line = (label: string, s: Scores) => `${label.padEnd(28)}  ${formatScore(s.mae)}  ${formatScore(s.iou)}  ${formatScore(s.edgeMae)}  ${formatScore(s.boundaryF, 3)}`;

const models = args.model ? [modelInfo(args.model)] : manifest.models;
for (const model of models) {
  const infer = cachingInfer(model);
  const maps = [];
  for (const pair of pairs) maps.push({ pair, ...(await modelMap(model, pair)) });
  const largest = Math.max(...list(args['max-share']));
  const before = maps.map(({ pair, input, map }) => scoreMatte(matteFromMap(map, input, pair.image, model), pair.truth, pair.ignore));
  for (const margin of list(args.margin)) {
    const zoom = { maxShare: 1, margin };
    const rows: { name: string; share: number; agree: number; after: Scores }[] = [];
    for (const [i, { pair, input, map }] of maps.entries()) {
      const { width, height } = pair.image;
      const clean = model.cleanup ? cleanMap(map, input.size, model.cleanup) : map;
      const rect = zoomRect(clean, input.size, width, height, zoom);
      const share = rect ? (rect.width * rect.height) / (width * height) : 1;
      if (!rect || share > largest) {
        rows.push({ name: pair.name, share: Infinity, agree: 1, after: before[i] });
        continue;
      }
      // zoomPass's steps one by one, to see the two passes' agreement.
      const first = matteFromMap(map, input, pair.image, model);
      const crop = cropImage(pair.image, rect);
      const cropInput = preprocess(crop, model);
      const matte = matteFromMap(await infer(cropInput), cropInput, crop, model);
      const alpha = mergeZoom(first, matte, rect, zoomFeather(rect, zoom));
      rows.push({ name: pair.name, share, agree: agreement(first, matte, rect), after: scoreMatte(alpha, pair.truth, pair.ignore) });
      console.error(`[${model.id} margin ${margin}] ${i + 1}/${maps.length} ${pair.name}: crop ${(share * 100).toFixed(0)}% MAE ${formatScore(before[i].mae)} -> ${formatScore(rows.at(-1)!.after.mae)}`);
    }
    console.log(`\n${model.id}, margin ${margin}, ${maps.length} photos (refined)  MAE     IoU     edge    BF`);
    console.log(line('without zoom', meanScores(before)));
    for (const minAgreement of list(args['min-agreement'])) {
      for (const maxShare of list(args['max-share'])) {
        const zooms = (r: (typeof rows)[number]) => r.share <= maxShare && r.agree >= minAgreement;
        const after = rows.map((r, i) => (zooms(r) ? r.after : before[i]));
        const zoomed = rows.filter(zooms).length;
        const better = after.filter((s, i) => s.mae < before[i].mae - 0.0005).length;
        const worse = after.flatMap((s, i) => (s.mae > before[i].mae + 0.0005 ? [`${rows[i].name} ${formatScore(before[i].mae)}->${formatScore(s.mae)}`] : []));
        const bfBetter = after.filter((s, i) => s.boundaryF > before[i].boundaryF + 0.005).length;
        const bfWorse = after.filter((s, i) => s.boundaryF < before[i].boundaryF - 0.005).length;
        console.log(
          `${line(`share ${maxShare} agree ${minAgreement}`, meanScores(after))}  zoomed ${zoomed}; MAE better ${better}, worse ${worse.length}; BF better ${bfBetter}, worse ${bfWorse}${worse.length ? `; worse: ${worse.join(', ')}` : ''}`,
        );
      }
    }
    console.log('photo                           crop  agree  MAE before -> after   IoU before -> after   BF before -> after');
    for (const [i, r] of rows.entries()) {
      if (r.share > largest) continue;
      const b = before[i];
      console.log(`${r.name.padEnd(30)}  ${(r.share * 100).toFixed(0).padStart(3)}%  ${formatScore(r.agree, 3)}  ${formatScore(b.mae)} -> ${formatScore(r.after.mae)}     ${formatScore(b.iou)} -> ${formatScore(r.after.iou)}     ${formatScore(b.boundaryF, 3)} -> ${formatScore(r.after.boundaryF, 3)}`);
    }
  }
}
await closeNodeSessions();
