/**
 * Makes docs/edge-crop.png for the README: one crop of a large photo cut out with plain
 * bilinear upsampling of the network's map (left) and with the edge-aware refinement
 * (right), over a checkerboard, with the two mattes below.
 *
 *   tsx scripts/edge-crop.ts [--photo FILE] [--megapixels 12] [--crop x,y,size] [--out FILE]
 *
 * The photo (by default tests/fixtures/astronaut.jpg, public domain, with a crop on the
 * edge of her hair) is enlarged with Lanczos to at least 12 megapixels, the size where
 * refinement matters: the 1024-pixel map is then stretched several times. For another
 * photo without --crop, the square where the two mattes differ most is taken. Use a
 * freely licensed photo: the output is committed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp, { type OverlayOptions } from 'sharp';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { DEFAULT_REFINE, refineAlpha, upsampleAlpha } from '../web/src/cutout/refine.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { fixturesDir, rootDir } from './lib/paths.ts';

const { values: args } = parseArgs({
  options: {
    photo: { type: 'string' },
    megapixels: { type: 'string', default: '12' },
    crop: { type: 'string' },
    /** Side of the shown tiles, in pixels; the crop is scaled to it. */
    tile: { type: 'string', default: '400' },
    out: { type: 'string', default: join(rootDir, 'docs', 'edge-crop.png') },
  },
});

/** The photo enlarged with Lanczos by the smallest whole factor that reaches the size asked. */
async function largePhoto(file: string, megapixels: number): Promise<{ image: RgbaImage; factor: number }> {
  // The upright size: the stored one of a photo with an EXIF quarter turn is the other way round.
  const { width, height } = (await sharp(file).metadata()).autoOrient;
  const factor = Math.ceil(Math.sqrt((megapixels * 1e6) / (width * height)));
  const { data, info } = await sharp(file)
    .rotate()
    .resize(width * factor, height * factor, { kernel: 'lanczos3' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) }, factor };
}

/** The top-left corner of the `size`² square where the two mattes differ most (coarse search). */
function mostDifferent(a: AlphaMatte, b: AlphaMatte, size: number): { x: number; y: number } {
  const cell = Math.max(1, Math.floor(size / 8));
  const cw = Math.floor(a.width / cell), ch = Math.floor(a.height / cell);
  const diff = new Float64Array(cw * ch);
  for (let y = 0; y < ch * cell; y++) {
    for (let x = 0; x < cw * cell; x++) {
      const i = y * a.width + x;
      diff[Math.floor(y / cell) * cw + Math.floor(x / cell)] += Math.abs(a.data[i] - b.data[i]);
    }
  }
  const n = size / cell;
  let best = { x: 0, y: 0 }, bestSum = -1;
  for (let cy = 0; cy + n <= ch; cy++) {
    for (let cx = 0; cx + n <= cw; cx++) {
      let sum = 0;
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) sum += diff[(cy + j) * cw + cx + i];
      if (sum > bestSum) {
        bestSum = sum;
        best = { x: cx * cell, y: cy * cell };
      }
    }
  }
  return best;
}

/** A `size`² crop of the photo, its matte as alpha, over a checkerboard; and the matte as grey. */
function tiles(image: RgbaImage, alpha: AlphaMatte, x0: number, y0: number, size: number, check: number): { cutout: Buffer; matte: Buffer } {
  const cutout = Buffer.alloc(size * size * 3);
  const matte = Buffer.alloc(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y0 + y) * image.width + x0 + x;
      const a = alpha.data[i] / 255;
      const bg = (Math.floor(x / check) + Math.floor(y / check)) % 2 ? 204 : 255;
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) cutout[o + c] = Math.round(image.data[i * 4 + c] * a + bg * (1 - a));
      matte[y * size + x] = alpha.data[i];
    }
  }
  return { cutout, matte };
}

/** The default: the astronaut's hair against the backdrop. */
const DEFAULT_PHOTO = { file: join(fixturesDir, 'astronaut.jpg'), crop: '1250,150,700' };
const photo = args.photo ?? DEFAULT_PHOTO.file;
const crop = args.crop ?? (args.photo ? undefined : DEFAULT_PHOTO.crop);
const model = modelInfo();
const { image, factor } = await largePhoto(photo, Number(args.megapixels));
console.error(`photo enlarged ${factor}x to ${image.width}x${image.height} (${((image.width * image.height) / 1e6).toFixed(1)} MP); running ${model.id}...`);
const input = preprocess(image, model);
// The map is kept in .eval/ (git-ignored), so trying other crops or settings is quick.
const key = createHash('sha256').update(model.sha256).update(image.data).digest('hex').slice(0, 16);
const cached = join(rootDir, '.eval', `edge-crop-${key}.f32`);
let map: Float32Array;
if (existsSync(cached) && statSync(cached).size === input.size * input.size * 4) {
  map = new Float32Array(new Uint8Array(readFileSync(cached)).buffer);
} else {
  map = await inferNode(model, input);
  await closeNodeSessions();
  mkdirSync(dirname(cached), { recursive: true });
  writeFileSync(cached, new Uint8Array(map.buffer, map.byteOffset, map.byteLength));
}
let t = performance.now();
const plain = upsampleAlpha(map, input.size, image.width, image.height);
const plainMs = performance.now() - t;
t = performance.now();
const refined = refineAlpha(map, input, image);
const refineMs = performance.now() - t;
console.error(`bilinear ${plainMs.toFixed(0)} ms, refined ${refineMs.toFixed(0)} ms`);

const tile = Number(args.tile);
let x0: number, y0: number, size: number;
if (crop) {
  [x0, y0, size] = crop.split(',').map(Number);
} else {
  size = Math.min(image.width, image.height, Math.round(tile * 2));
  ({ x: x0, y: y0 } = mostDifferent(plain, refined, size));
}
console.error(`crop ${x0},${y0},${size}`);

const gap = 8, label = 28;
const parts: OverlayOptions[] = [];
for (const [col, alpha] of [plain, refined].entries()) {
  const t = tiles(image, alpha, x0, y0, size, Math.round(size / 16));
  const left = col * (tile + gap);
  const cut = await sharp(t.cutout, { raw: { width: size, height: size, channels: 3 } }).resize(tile, tile, { kernel: 'lanczos3' }).png().toBuffer();
  const mat = await sharp(t.matte, { raw: { width: size, height: size, channels: 1 } }).resize(tile, tile, { kernel: 'lanczos3' }).png().toBuffer();
  parts.push({ input: cut, left, top: label }, { input: mat, left, top: label + tile + gap });
}
const width = 2 * tile + gap, height = label + 2 * tile + gap;
const text = (x: number, s: string) => `<text x="${x}" y="20" font-family="DejaVu Sans, sans-serif" font-size="16" fill="#222">${s}</text>`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${label}">${text(4, 'bilinear upsampling')}${text(tile + gap + 4, `guided refinement (r=${DEFAULT_REFINE.radius}, ε=${DEFAULT_REFINE.epsilon})`)}</svg>`;
parts.unshift({ input: Buffer.from(svg), left: 0, top: 0 });
mkdirSync(dirname(args.out), { recursive: true });
await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
  .composite(parts)
  .png({ compressionLevel: 9, palette: true, quality: 90 })
  .toFile(args.out);
console.error(`wrote ${args.out} (${width}x${height}); the crop is ${size}x${size} px of the ${image.width}x${image.height} photo, shown at ${((tile / size) * 100).toFixed(0)}%`);
