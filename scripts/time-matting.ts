/**
 * Times the edge-band matting (web/src/cutout/matting.ts) on a large photo: the photo is
 * enlarged with Lanczos to at least the megapixels asked (none of the dev or fixture photos
 * is that large), cut by the model with the app's refinement, then its edge band matted,
 * `--runs` times. Take the timing lock on a shared machine:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-matting.ts [--photo FILE] [--megapixels 12] [--model ID] [--runs 3]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RgbaImage } from '../web/src/cutout/image.ts';
import { DEFAULT_MATTING, edgeBand, matteEdges } from '../web/src/cutout/matting.ts';
import { manifest, modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { median } from './lib/median.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { fixturesDir } from './lib/paths.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string', default: `${fixturesDir}/astronaut.jpg` },
    megapixels: { type: 'string', default: '12' },
    model: { type: 'string', default: manifest.default },
    runs: { type: 'string', default: '3' },
  },
});

const meta = await sharp(args.photo).metadata();
const factor = Math.sqrt((Number(args.megapixels) * 1e6) / (meta.width! * meta.height!));
const width = Math.round(meta.width! * factor), height = Math.round(meta.height! * factor);
const { data, info } = await sharp(args.photo).rotate().resize(width, height, { kernel: 'lanczos3' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
const image: RgbaImage = { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
const model = modelInfo(args.model);
const input = preprocess(image, model);
const map = await inferNode(model, input);
await closeNodeSessions();
let started = performance.now();
const first = matteFromMap(map, input, image, model);
const refineMs = performance.now() - started;
const { mask, radius } = edgeBand(first, input.size, DEFAULT_MATTING);
const bandPixels = mask.reduce((a, b) => a + b, 0);
const times: number[] = [];
for (let run = 0; run < Number(args.runs); run++) {
  started = performance.now();
  matteEdges(image, first, input.size);
  times.push(performance.now() - started);
}
console.log(
  `${args.photo} enlarged to ${image.width}x${image.height} (${((image.width * image.height) / 1e6).toFixed(1)} MP), ${model.id}: refine ${refineMs.toFixed(0)} ms;` +
    ` band ${radius} px, ${bandPixels} pixels (${((100 * bandPixels) / (image.width * image.height)).toFixed(1)}%); matting ${times.map((t) => t.toFixed(0)).join(', ')} ms (median ${median(times).toFixed(0)})`,
);
