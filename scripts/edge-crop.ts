/**
 * Makes the README's before/after crops of an edge: docs/edge-hair.png (the astronaut's
 * hair) and docs/edge-fur.png (the cat's fur). Each shows one crop twice:
 *
 * - BEFORE, the network alone as other tools ship it (imgly, rembg): the default model's
 *   map resized bilinearly to the photo and used as alpha on the photo's own colours;
 * - AFTER, the cutout as clearcut makes it with the default model (Standard): cutPixels,
 *   the pipeline the worker and the CLI run (refinement, the edge-band matting, and the
 *   cutout composed with the estimated foreground colours, as compose.ts exports it).
 *
 * Each cutout is shown over a plain colour chosen to contrast with the photo's old
 * background, so a fringe of that background shows, with its matte below.
 *
 *   tsx scripts/edge-crop.ts [hair] [fur]          both figures when none is named
 *   tsx scripts/edge-crop.ts --photo FILE [--megapixels 12] [--crop x,y,size] [--colour #hex] [--out FILE]
 *
 * The astronaut (public domain, 512²) is enlarged with Lanczos 7× to 12.8 MP, where the
 * refinement matters: the 896-pixel map is then stretched four times. The cat (CC0,
 * 451×300) is cut out at its own size and its crop enlarged with nearest neighbour, so
 * every shown pixel is one the pipeline made. Without --crop, the square where the two
 * cutouts over the colour differ most is taken. Use a freely licensed photo: the output
 * is committed (never one from shared/testdata).
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import sharp, { type OverlayOptions } from 'sharp';
import { colorBackground, compose, cropRgba, flatten, TRANSPARENT } from '../web/src/cutout/compose.ts';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { modelInfo, type ModelInfo } from '../web/src/cutout/model.ts';
import { cutPixels } from '../web/src/cutout/pipeline.ts';
import type { ModelInput } from '../web/src/cutout/preprocess.ts';
import { upsampleAlpha } from '../web/src/cutout/refine.ts';
import { colourDifference, cropStats, densestSquare, type Square } from './lib/edge-figure.ts';
import { cachingInfer } from './lib/eval-data.ts';
import { closeNodeSessions } from './lib/node-engine.ts';
import { fixturesDir, rootDir } from './lib/paths.ts';

interface Figure {
  photo: string;
  /** 0: the photo at its own size. */
  megapixels: number;
  /** x,y,size in the (enlarged) photo's pixels; undefined: where the cutouts differ most. */
  crop?: string;
  /** The colour behind the cutouts, and its name for the label. */
  colour: string;
  colourName: string;
  out: string;
}

/** Both photos have a light grey backdrop, so a fringe of it shows on a dark, saturated colour. */
const FIGURES: Record<string, Figure> = {
  hair: { photo: join(fixturesDir, 'astronaut.jpg'), megapixels: 12, crop: '1100,100,400', colour: '#0b2a6f', colourName: 'dark blue', out: join(rootDir, 'docs', 'edge-hair.png') },
  fur: { photo: join(fixturesDir, 'chelsea.png'), megapixels: 0, crop: '300,60,100', colour: '#0b2a6f', colourName: 'dark blue', out: join(rootDir, 'docs', 'edge-fur.png') },
};

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    photo: { type: 'string' },
    megapixels: { type: 'string', default: '12' },
    crop: { type: 'string' },
    colour: { type: 'string', default: '#0b2a6f' },
    /** Side of the shown tiles, in pixels; the crop is scaled to it. */
    tile: { type: 'string', default: '400' },
    out: { type: 'string', default: join(rootDir, 'docs', 'edge-custom.png') },
  },
});

/** The photo upright, enlarged with Lanczos by the smallest whole factor that reaches `megapixels` (0: as it is). */
async function loadPhoto(file: string, megapixels: number): Promise<{ image: RgbaImage; factor: number }> {
  // The upright size: the stored one of a photo with an EXIF quarter turn is the other way round.
  const { width, height } = (await sharp(file).metadata()).autoOrient;
  const factor = megapixels > 0 ? Math.ceil(Math.sqrt((megapixels * 1e6) / (width * height))) : 1;
  const { data, info } = await sharp(file)
    .rotate()
    .resize(width * factor, height * factor, { kernel: 'lanczos3' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) }, factor };
}

/**
 * Raw square pixels (RGB or grey) scaled to `tile`: nearest neighbour when enlarging, so
 * each pixel the pipeline made shows as a block; Lanczos when shrinking.
 */
async function tileOf(pixels: Buffer, channels: 1 | 3, size: number, tile: number): Promise<Buffer> {
  const kernel = tile > size ? 'nearest' : 'lanczos3';
  return sharp(pixels, { raw: { width: size, height: size, channels } }).resize(tile, tile, { kernel }).png().toBuffer();
}

/** The RGB of opaque pixels, for sharp's raw input. */
function rgbOf(image: RgbaImage): Buffer {
  const out = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0, p = 0; p < image.data.length; i++, p += 4) {
    out[i * 3] = image.data[p];
    out[i * 3 + 1] = image.data[p + 1];
    out[i * 3 + 2] = image.data[p + 2];
  }
  return out;
}

function cropMatte(matte: AlphaMatte, sq: Square): Buffer {
  const out = Buffer.alloc(sq.size * sq.size);
  for (let r = 0; r < sq.size; r++) {
    const from = (sq.y + r) * matte.width + sq.x;
    out.set(matte.data.subarray(from, from + sq.size), r * sq.size);
  }
  return out;
}

async function makeFigure(figure: Figure, model: ModelInfo, tile: number): Promise<void> {
  const { image, factor } = await loadPhoto(figure.photo, figure.megapixels);
  const where = factor > 1 ? `enlarged ${factor}× to ${image.width}×${image.height}` : `at its own size, ${image.width}×${image.height}`;
  console.error(`${relative(rootDir, figure.photo)} ${where} (${((image.width * image.height) / 1e6).toFixed(2)} MP); running ${model.id}...`);
  // Maps cached in .eval/cache (git-ignored), as the evaluation's are, so trying other crops is quick.
  const infer = (input: ModelInput, m = model) => cachingInfer(m)(input);

  // BEFORE: the network's map resized bilinearly, on the photo's own colours.
  // The first map the pipeline asks for is the whole photo's (a zoom pass would ask for a second).
  let map: Float32Array | undefined;
  const after = await cutPixels(image, model, async (input, m) => {
    const out = await infer(input, m);
    map ??= out;
    return out;
  });
  if (!map) throw new Error('the pipeline never ran the network');
  const plain = upsampleAlpha(map, model.inputSize, image.width, image.height);
  const colour = colorBackground(figure.colour);
  const shownBefore = flatten(compose(image, plain, TRANSPARENT, false, null), colour);
  // AFTER: the app's cutout (compose with the estimated colours), flattened as an export over a colour is.
  const shownAfter = flatten(after.cutout, colour);

  let sq: Square;
  if (figure.crop) {
    const [x, y, size] = figure.crop.split(',').map(Number);
    sq = { x, y, size };
  } else {
    const size = Math.min(image.width, image.height, factor > 1 ? tile * 2 : Math.floor(tile / 4));
    sq = { ...densestSquare(colourDifference(shownBefore, shownAfter), image.width, image.height, size), size };
  }
  const stats = cropStats(plain, after.alpha, shownBefore, shownAfter, sq);
  console.error(`crop ${sq.x},${sq.y},${sq.size}`, JSON.stringify(stats));

  const gap = 8, label = 46, caption = 42;
  const parts: OverlayOptions[] = [];
  for (const [col, [shown, matte]] of ([[shownBefore, plain], [shownAfter, after.alpha]] as const).entries()) {
    const left = col * (tile + gap);
    const cut = rgbOf(cropRgba(shown, sq.x, sq.y, sq.size, sq.size));
    parts.push({ input: await tileOf(cut, 3, sq.size, tile), left, top: label }, { input: await tileOf(cropMatte(matte, sq), 1, sq.size, tile), left, top: label + tile + gap });
  }
  const width = 2 * tile + gap, height = label + 2 * tile + gap + caption;
  const text = (x: number, y: number, s: string, size = 15) =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#222">${s}</text>`;
  const scale = tile > sq.size ? `enlarged ${tile / sq.size}× (nearest neighbour)` : `shown at ${Math.round((tile / sq.size) * 100)}%`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    ${text(4, 18, 'BEFORE: the network alone')}${text(4, 38, 'map resized bilinearly, photo’s colours', 13)}
    ${text(tile + gap + 4, 18, `AFTER: clearcut ${model.label}`)}${text(tile + gap + 4, 38, 'refined, matted, colours estimated', 13)}
    ${text(4, height - 24, `${basename(figure.photo)} ${where}; the ${sq.size}×${sq.size} px crop at ${sq.x},${sq.y}, ${scale}.`, 12)}
    ${text(4, height - 7, `Cutouts over ${figure.colourName} (${figure.colour}), where a fringe of the old background would show; mattes below.`, 12)}
  </svg>`;
  parts.unshift({ input: Buffer.from(svg), left: 0, top: 0 });
  mkdirSync(dirname(figure.out), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(parts)
    .png({ compressionLevel: 9, palette: true, quality: 90 })
    .toFile(figure.out);
  console.error(`wrote ${relative(rootDir, figure.out)} (${width}×${height}, ${(statSync(figure.out).size / 1024).toFixed(0)} KB)`);
}

const model = modelInfo();
const tile = Number(args.tile);
const figures: Figure[] = args.photo
  ? [{ photo: args.photo, megapixels: Number(args.megapixels), crop: args.crop, colour: args.colour, colourName: 'the colour', out: args.out }]
  : (positionals.length ? positionals : Object.keys(FIGURES)).map((name) => {
      if (!FIGURES[name]) throw new Error(`no figure "${name}" (${Object.keys(FIGURES).join(', ')})`);
      return args.crop ? { ...FIGURES[name], crop: args.crop } : FIGURES[name];
    });
for (const figure of figures) await makeFigure(figure, model, tile);
await closeNodeSessions();
