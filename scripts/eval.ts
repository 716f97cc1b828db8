/**
 * Quality evaluation: scores every model of the manifest, with plain bilinear upsampling
 * and with the app's edge-aware refinement, against true masks, as the app runs each model
 * (its mask cleanup, its subject zoom, its edge-band matting and its second opinion included).
 *
 *   npm run eval [-- --dir DIR] [--model ID] [--onnx FILE]... [--flip] [--limit N] [--no-cache] [--check]
 *
 * DIR holds pairs `NAME.jpg|png` + `NAME.mask.png` (255 = foreground, soft mattes
 * allowed) and optionally `NAME.ignore.png` (255 = leave the pixel out); by default
 * ../shared/testdata/gt. `--onnx FILE` (repeatable) scores ONNX files that are not in the
 * manifest instead, each under its file name: input size and names come from the graph,
 * normalisation from the default model; maps are cached by the file's sha256. `--flip`
 * scores flip test-time augmentation instead (mean of the map and the mirrored-back map
 * of the mirrored photo; models are then named ID+flip). Prints a table per model, a
 * summary, and as its last line one JSON object with the means. `--check` exits 1 when a model, refined, misses its bars
 * (CHECK below). Progress goes to stderr.
 *
 * Edge colour (scripts/lib/edge-colour.ts): each photo, composited by its true matte over
 * the next photo of the list as a known old background, is cut out with the model's matte
 * and put on black and on white; the colour error within the edge band against the truth,
 * with the photo's colours kept (`kept`, as before the foreground stage) and with the
 * app's estimated foreground colours (`est`).
 */
import { parseArgs } from 'node:util';
import { manifest, modelInfo, type ModelInfo } from '../web/src/cutout/model.ts';
import { coverFit } from '../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND } from '../web/src/cutout/foreground.ts';
import { cutMatte, matteFromMap, mattingPass, zoomPass, type InferFn } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { DEFAULT_REFINE } from '../web/src/cutout/refine.ts';
import { surer } from '../web/src/cutout/surer.ts';
import { compositeOver, edgeColourError } from './lib/edge-colour.ts';
import { cachingInfer, defaultGtDir, flipAveragedMap, listPairs, loadPair, modelMap, type Pair } from './lib/eval-data.ts';
import { median } from './lib/median.ts';
import { DEFAULT_BAND, formatScore, meanScores, scoreMatte, type Scores } from './lib/metrics.ts';
import { closeNodeSessions, nodeBackend } from './lib/node-engine.ts';
import { modelInfoFromFile } from './lib/onnx/model-file.ts';
import { table } from './lib/table.ts';

/**
 * The bars of `--check`, with the app's refinement on. The default must score at least
 * what fp16 @ 1024 scores plainly (issue #8's first row); every model the app offers
 * must be strictly better than isnet-quint8 @ 1024 refined, the "Fast" choice it replaced.
 * Edge colour: with the true matte the estimated foreground must beat the photo's own
 * colours; with each model's matte (where the matte's own errors dominate, and on binary
 * truths a soft predicted edge is an alpha error the colours cannot fix) it must not be
 * worse than them by more than `edgeColourSlack`.
 */
export const CHECK = {
  default: { maxMae: 0.0348, minIou: 0.899 },
  every: { maeBelow: 0.0478, iouAbove: 0.8574, edgeColourSlack: 0.0005 },
};

const usage = 'usage: npm run eval -- [--dir DIR] [--model ID] [--onnx FILE]... [--flip] [--limit N] [--no-cache] [--check]';

interface Row {
  name: string;
  size: string;
  plain: Scores;
  refined: Scores;
  /** Edge colour error of the plain and refined mattes: photo's colours kept, and estimated. */
  colour: { plain: [number | null, number | null]; refined: [number | null, number | null] };
}

interface Summary {
  model: string;
  refine: boolean;
  images: number;
  mae: number;
  iou: number;
  edgeMae: number | null;
  boundaryF: number;
  /** Edge colour error with the photo's colours kept, and with the estimated foreground (null without an edge). */
  edgeColourKept: number | null;
  edgeColour: number | null;
  /** Median CPU milliseconds of upsampling (plain) or refinement, per photo. */
  upsampleMs: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const scoreCells = (s: Scores) => [formatScore(s.mae), formatScore(s.iou), formatScore(s.edgeMae), formatScore(s.boundaryF, 3)];

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        dir: { type: 'string', default: defaultGtDir },
        model: { type: 'string' },
        onnx: { type: 'string', multiple: true },
        flip: { type: 'boolean', default: false },
        limit: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const limit = args.limit === undefined ? Infinity : Number(args.limit);
  if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
    console.error(`--limit takes a positive whole number, not "${args.limit}"\n${usage}`);
    return 2;
  }
  let models: ModelInfo[];
  try {
    models = args.model ? [modelInfo(args.model)] : args.onnx ? [] : manifest.models;
  } catch {
    console.error(`unknown model "${args.model}"; the manifest has ${manifest.models.map((m) => m.id).join(', ')}`);
    return 2;
  }
  for (const file of args.onnx ?? []) {
    try {
      models.push(modelInfoFromFile(file, modelInfo()));
    } catch (err) {
      console.error(`cannot score --onnx ${file}: ${err instanceof Error ? err.message : err}`);
      return 2;
    }
  }
  if (args.check && (args.onnx || args.flip || (args.model && args.model !== manifest.default))) {
    console.error(`--check scores the manifest's models as the app runs them; drop --onnx, --flip and --model (or pass --model ${manifest.default})`);
    return 2;
  }
  let files;
  try {
    files = listPairs(args.dir).slice(0, limit);
  } catch (err) {
    console.error(`cannot read the folder of pairs ${args.dir}: ${err instanceof Error ? err.message : err}`);
    return 2;
  }
  if (files.length === 0) {
    console.error(`no pairs (NAME.jpg|png + NAME.mask.png) in ${args.dir}`);
    return 2;
  }

  // Every photo decoded once; each one's test composite has the next photo behind it.
  const pairs: Pair[] = [];
  for (const file of files) pairs.push(await loadPair(file));
  const composites = pairs.map((pair, i) => {
    const { width, height } = pair.image;
    return compositeOver(pair.image, pair.truth, coverFit(pairs[(i + 1) % pairs.length].image, width, height));
  });
  // The same measure with the true matte itself: the foreground stage alone, whatever the model.
  const trueMatteColour = pairs.map((pair, i) => [edgeColourError(pair.image, pair.truth, composites[i], pair.truth, null), edgeColourError(pair.image, pair.truth, composites[i], pair.truth, DEFAULT_FOREGROUND)]);
  const meanOf = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
  };

  const summaries: Summary[] = [];
  const sections: string[] = [];
  for (const model of models) {
    const name = args.flip ? `${model.id}+flip` : model.id;
    const rows: Row[] = [];
    const plainMs: number[] = [];
    const refineMs: number[] = [];
    const zoomed: string[] = [];
    const secondKept: string[] = [];
    // Every model's maps inferred once and cached, whichever model a cut runs (its second opinion's too).
    const inferAny: InferFn = (input, m) => cachingInfer(m, !args['no-cache'])(input);
    for (const [i, pair] of pairs.entries()) {
      const { input, map: raw, cached, inferMs } = await (args.flip ? flipAveragedMap : modelMap)(model, pair, !args['no-cache']);
      // As the app runs the model: with its mask cleanup and its subject zoom, when it has them.
      // CPU time, not wall time: the machine may be shared, and both run synchronously.
      let t = process.cpuUsage();
      const plainFirst = matteFromMap(raw, input, pair.image, model, false);
      plainMs.push(cpuMs(t));
      t = process.cpuUsage();
      const refinedFirst = matteFromMap(raw, input, pair.image, model, true);
      refineMs.push(cpuMs(t));
      // The second pass's map is inferred once per crop and cached (the plain and refined passes share it).
      const infer = cachingInfer(model, !args['no-cache']);
      const ownPlain = args.flip ? plainFirst : await zoomPass(pair.image, raw, input.size, plainFirst, model, infer, false);
      const refinedZoomed = args.flip ? refinedFirst : await zoomPass(pair.image, raw, input.size, refinedFirst, model, infer, true);
      if (refinedZoomed !== refinedFirst) zoomed.push(pair.name);
      // The edge-band matting comes last, on the refined matte only (plain stays the bare baseline).
      const ownRefined = mattingPass(pair.image, refinedZoomed, input.size, model, true);
      // The second opinion, as the app makes it (pipeline.ts's cutMatte for the second model), kept when surer.
      let plain = ownPlain, refined = ownRefined;
      if (model.second && !args.flip) {
        const second = modelInfo(model.second.model);
        const secondInput = preprocess(pair.image, second);
        plain = surer(ownPlain, await cutMatte(pair.image, secondInput, second, inferAny, false), model.second.unsure);
        refined = surer(ownRefined, await cutMatte(pair.image, secondInput, second, inferAny, true), model.second.unsure);
        if (refined !== ownRefined) secondKept.push(pair.name);
      }
      rows.push({
        name: pair.name,
        size: `${pair.image.width}x${pair.image.height}`,
        plain: scoreMatte(plain, pair.truth, pair.ignore),
        refined: scoreMatte(refined, pair.truth, pair.ignore),
        colour: {
          plain: [edgeColourError(pair.image, pair.truth, composites[i], plain, null), edgeColourError(pair.image, pair.truth, composites[i], plain, DEFAULT_FOREGROUND)],
          refined: [edgeColourError(pair.image, pair.truth, composites[i], refined, null), edgeColourError(pair.image, pair.truth, composites[i], refined, DEFAULT_FOREGROUND)],
        },
      });
      console.error(`[${name}] photo ${i + 1}/${files.length} ${pair.name}: ${cached ? 'cached map' : `inferred in ${(inferMs / 1000).toFixed(1)} s`}`);
    }
    const meanPlain = meanScores(rows.map((r) => r.plain));
    const meanRefined = meanScores(rows.map((r) => r.refined));
    for (const [refine, s, ms] of [[false, meanPlain, plainMs], [true, meanRefined, refineMs]] as const) {
      const colour = rows.map((r) => r.colour[refine ? 'refined' : 'plain']);
      summaries.push({
        model: name,
        refine,
        images: rows.length,
        mae: s.mae,
        iou: s.iou,
        edgeMae: s.edgeMae,
        boundaryF: s.boundaryF,
        edgeColourKept: meanOf(colour.map((c) => c[0])),
        edgeColour: meanOf(colour.map((c) => c[1])),
        upsampleMs: median(ms),
      });
    }
    const refinedColour = [meanOf(rows.map((r) => r.colour.refined[0])), meanOf(rows.map((r) => r.colour.refined[1]))];
    sections.push(
      `${name}: plain bilinear (left) vs refined (right)${model.zoom ? `; subject zoom ${JSON.stringify(model.zoom)} ran on ${zoomed.length} of ${rows.length} photos${zoomed.length ? ` (${zoomed.join(', ')})` : ''}` : ''}${model.matting ? `; refined then edge-band matting ${JSON.stringify(model.matting)}` : ''}${model.second && !args.flip ? `; second opinion ${JSON.stringify(model.second)} kept on ${secondKept.length} of ${rows.length} photos (refined)` : ''}\n` +
        table(
          ['image', 'size', 'MAE', 'IoU', 'edge MAE', 'BF', '| MAE', 'IoU', 'edge MAE', 'BF', 'colour kept', 'est'],
          [
            ...rows.map((r) => [r.name, r.size, ...scoreCells(r.plain), ...scoreCells(r.refined), formatScore(r.colour.refined[0]), formatScore(r.colour.refined[1])]),
            ['mean', '', ...scoreCells(meanPlain), ...scoreCells(meanRefined), formatScore(refinedColour[0]), formatScore(refinedColour[1])],
          ].map((cells) => cells.map((c, i) => (i === 6 ? `| ${c}` : c))),
          1,
        ),
    );
  }
  await closeNodeSessions();

  const summaryTable = table(
    ['model', 'refine', 'MAE', 'IoU', 'edge MAE', 'boundary F', 'edge colour kept', 'est', 'cpu ms/photo'],
    summaries.map((s) => [s.model, s.refine ? 'on' : 'off', formatScore(s.mae), formatScore(s.iou), formatScore(s.edgeMae), formatScore(s.boundaryF, 3), formatScore(s.edgeColourKept), formatScore(s.edgeColour), s.upsampleMs.toFixed(1)]),
    1,
  );
  console.log(sections.join('\n\n'));
  console.log(
    `\nMeans over ${files.length} photos from ${args.dir}. MAE and edge MAE: alpha in [0, 1]; IoU at 0.5; edge MAE within ${DEFAULT_BAND} px of the true edge;` +
      ` BF: boundary F, edges matched within ceil(0.008 x diagonal) px. Edge colour: mean |colour error| in [0, 1] within ${DEFAULT_BAND} px of the true edge of each photo composited over the next one and cut out onto black and white, photo's colours kept vs estimated foreground. Refinement: ${JSON.stringify(DEFAULT_REFINE)}; cpu ms/photo: median CPU time of the upsampling alone.\n`,
  );
  console.log(summaryTable);
  const trueColour = [meanOf(trueMatteColour.map((c) => c[0])), meanOf(trueMatteColour.map((c) => c[1]))];
  const softer = trueMatteColour.filter((c) => c[0] !== null && c[1] !== null && c[1] < c[0]).length;
  console.log(`\nEdge colour with the true matte (the foreground stage alone): kept ${formatScore(trueColour[0])}, estimated ${formatScore(trueColour[1])}; estimated better on ${softer} of ${pairs.length} photos.`);

  let status = 0;
  let check: { passed: boolean; failures: string[] } | undefined;
  if (args.check) {
    const failures: string[] = [];
    const passes: string[] = [];
    for (const model of models) {
      const s = summaries.find((x) => x.model === model.id && x.refine)!;
      const bars: [boolean, string][] = [
        [s.mae < CHECK.every.maeBelow, `MAE ${formatScore(s.mae)} < ${CHECK.every.maeBelow}`],
        [s.iou > CHECK.every.iouAbove, `IoU ${formatScore(s.iou)} > ${CHECK.every.iouAbove}`],
        [
          s.edgeColour !== null && s.edgeColourKept !== null && s.edgeColour <= s.edgeColourKept + CHECK.every.edgeColourSlack,
          `edge colour ${formatScore(s.edgeColour)} <= ${formatScore(s.edgeColourKept)} (photo's colours kept) + ${CHECK.every.edgeColourSlack}`,
        ],
      ];
      if (model.id === manifest.default) {
        bars.push([s.mae <= CHECK.default.maxMae, `MAE ${formatScore(s.mae)} <= ${CHECK.default.maxMae}`]);
        bars.push([s.iou >= CHECK.default.minIou, `IoU ${formatScore(s.iou)} >= ${CHECK.default.minIou}`]);
      }
      for (const [ok, bar] of bars) (ok ? passes : failures).push(`${model.id}${model.id === manifest.default ? ' (default)' : ''} refined: ${ok ? '' : 'not '}${bar}`);
    }
    const [kept, estimated] = trueColour;
    const foregroundOk = kept !== null && estimated !== null && estimated < kept;
    (foregroundOk ? passes : failures).push(`true matte: edge colour ${foregroundOk ? '' : 'not '}${formatScore(estimated)} < ${formatScore(kept)} (photo's colours kept)`);
    check = { passed: failures.length === 0, failures };
    if (failures.length > 0) {
      console.error(`eval --check FAILED on ${files.length} photos: ${failures.join('; ')}`);
      status = 1;
    } else {
      console.error(`eval --check passed on ${files.length} photos: ${passes.join('; ')}`);
    }
  }
  const round = (x: number | null) => (x === null || Number.isNaN(x) ? null : Math.round(x * 1e5) / 1e5);
  console.log(
    JSON.stringify({
      dir: args.dir,
      images: files.length,
      band: DEFAULT_BAND,
      refineOptions: DEFAULT_REFINE,
      backend: nodeBackend,
      results: summaries.map((s) => ({ ...s, mae: round(s.mae), iou: round(s.iou), edgeMae: round(s.edgeMae), boundaryF: round(s.boundaryF), edgeColourKept: round(s.edgeColourKept), edgeColour: round(s.edgeColour), upsampleMs: Math.round(s.upsampleMs * 10) / 10 })),
      edgeColourTrueMatte: { kept: round(trueColour[0]), estimated: round(trueColour[1]) },
      ...(check ? { check } : {}),
    }),
  );
  return status;
}

process.exitCode = await main();
