/**
 * The edge-band matting's solver stopping rule (MattingOptions tolerance and iterations) on
 * photos without ground truth (by default the 8 bench photos): for each setting, the
 * matting's time (interleaved with the other settings, medians), the solver's iterations,
 * and how far its matte lies from the first setting's (mean and largest byte difference).
 * The matte is the app's (refined and zoomed; network maps from the evaluation's cache).
 * Quality against ground truth is scripts/tune-matting.ts's. Take the timing lock:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-matting-stop.ts [--photo FILE]...
 *       [--settings 1e-3/200,1e-2/200] [--runs 7] [--model ID]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MATTING, matteEdges, type MattingOptions } from '../web/src/cutout/matting.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, zoomPass } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { cachingInfer } from './lib/eval-data.ts';
import { median } from './lib/median.ts';
import { decodeNode } from './lib/node-codec.ts';
import { closeNodeSessions } from './lib/node-engine.ts';
import { sharedTestdata } from './lib/paths.ts';

const photos = join(sharedTestdata, 'photos');
const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', multiple: true, default: readdirSync(photos).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => join(photos, f)) },
    settings: { type: 'string', default: `${DEFAULT_MATTING.tolerance}/${DEFAULT_MATTING.iterations},3e-3/200,1e-2/200` },
    runs: { type: 'string', default: '7' },
    model: { type: 'string', default: manifest.default },
  },
});
const model = modelInfo(args.model);
const settings: MattingOptions[] = args.settings.split(',').map((s) => {
  const [tolerance, iterations] = s.split('/').map(Number);
  return { ...DEFAULT_MATTING, ...model.matting, tolerance, iterations };
});
const infer = cachingInfer(model);
const totals = settings.map(() => 0);
for (const file of args.photo) {
  const image = await decodeNode(readFileSync(file));
  const input = preprocess(image, model);
  const map = await infer(input);
  const matte = await zoomPass(image, map, input.size, matteFromMap(map, input, image, model), model, infer);
  const ms = settings.map(() => [] as number[]);
  const its = settings.map(() => 0);
  const out: Uint8Array[] = [];
  for (let run = 0; run < Number(args.runs); run++) {
    // Each run starts with a different setting, so none always goes first.
    for (let k = 0; k < settings.length; k++) {
      const j = (k + run) % settings.length;
      const started = performance.now();
      out[j] = matteEdges(image, matte, input.size, settings[j], (n) => (its[j] = n)).data;
      ms[j].push(performance.now() - started);
    }
  }
  const name = file.split('/').pop()!;
  for (const [j, s] of settings.entries()) {
    let sum = 0, max = 0;
    for (let i = 0; i < out[0].length; i++) {
      const d = Math.abs(out[j][i] - out[0][i]);
      sum += d;
      if (d > max) max = d;
    }
    totals[j] += median(ms[j]);
    console.log(
      `${name.padEnd(18)} ${image.width}x${image.height}  tol ${s.tolerance} cap ${s.iterations}: ${median(ms[j]).toFixed(1)} ms (median of ${ms[j].length}), ${its[j]} iterations;` +
        ` against the first: mean |diff| ${(sum / out[0].length / 255).toFixed(6)}, largest ${max}/255`,
    );
  }
}
await closeNodeSessions();
for (const [j, s] of settings.entries()) console.log(`all photos, tol ${s.tolerance} cap ${s.iterations}: sum of medians ${totals[j].toFixed(0)} ms`);
