/**
 * The evaluation's data: pairs of photo and true mask in a folder, and the network's maps
 * cached on disk (.eval/cache/) by model and photo hash, so re-scoring and refine tuning
 * never run the network twice. Shared by scripts/eval.ts and scripts/tune-refine.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbaImage } from '../../web/src/cutout/image.ts';
import type { ModelInfo } from '../../web/src/cutout/model.ts';
import { preprocess, type ModelInput } from '../../web/src/cutout/preprocess.ts';
import type { Plane } from './metrics.ts';
import { decodeNode } from './node-codec.ts';
import { inferNode } from './node-engine.ts';
import { rootDir, sharedTestdata } from './paths.ts';

/** The default folder of pairs. */
export const defaultGtDir = join(sharedTestdata, 'gt');
/** Where the maps are cached (git-ignored). */
export const cacheDir = join(rootDir, '.eval', 'cache');
/** Bump when preprocess changes what the network sees, so old maps are not reused. */
const CACHE_VERSION = 'v1';

/** One photo with its truth: `NAME.jpg|jpeg|png` + `NAME.mask.png` (+ `NAME.ignore.png`). */
export interface PairFiles {
  name: string;
  photo: string;
  mask: string;
  ignore?: string;
}

/** A decoded pair. */
export interface Pair {
  name: string;
  image: RgbaImage;
  truth: Plane;
  ignore?: Plane;
  /** sha256 of the photo's bytes, hex. */
  sha256: string;
}

/** The pairs in `dir`, sorted by name; photos without a mask are skipped. */
export function listPairs(dir: string): PairFiles[] {
  const files = new Set(readdirSync(dir));
  const pairs: PairFiles[] = [];
  for (const file of [...files].sort()) {
    const m = /^(.*)\.(jpe?g|png)$/i.exec(file);
    if (!m || /\.(mask|ignore)$/i.test(m[1])) continue;
    const name = m[1];
    if (!files.has(`${name}.mask.png`)) continue;
    pairs.push({
      name,
      photo: join(dir, file),
      mask: join(dir, `${name}.mask.png`),
      ignore: files.has(`${name}.ignore.png`) ? join(dir, `${name}.ignore.png`) : undefined,
    });
  }
  return pairs;
}

/** A mask file as one 8-bit channel (the first channel of whatever is stored). */
async function readPlane(path: string): Promise<Plane> {
  const { data, info } = await sharp(path).removeAlpha().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Decodes a pair and checks that the photo and its masks have one size. */
export async function loadPair(files: PairFiles): Promise<Pair> {
  const bytes = readFileSync(files.photo);
  const image = await decodeNode(bytes);
  const truth = await readPlane(files.mask);
  const ignore = files.ignore ? await readPlane(files.ignore) : undefined;
  for (const [what, p] of [['mask', truth], ['ignore mask', ignore]] as const) {
    if (p && (p.width !== image.width || p.height !== image.height)) {
      throw new Error(`${files.name}: the ${what} is ${p.width}x${p.height} but the photo is ${image.width}x${image.height}`);
    }
  }
  return { name: files.name, image, truth, ignore, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The network's S×S map for a pair, and whether it came from the cache. */
export interface MapResult {
  input: ModelInput;
  map: Float32Array;
  cached: boolean;
  /** Milliseconds of inference (0 when cached). */
  inferMs: number;
}

/** Keyed by the model file's sha256 (so a derived or candidate file never reuses another's maps), the photo and the view. */
function cacheFile(model: ModelInfo, pair: Pair, size: number, flipped = false): string {
  return join(cacheDir, `${model.sha256.slice(0, 16)}-${pair.sha256.slice(0, 16)}-${size}${flipped ? '-flip' : ''}-${CACHE_VERSION}.f32`);
}

/** Mirrors S×S planes (CHW) left to right: its own inverse. */
export function flipPlanes(data: Float32Array, size: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let row = 0; row < data.length; row += size) {
    for (let x = 0; x < size; x++) out[row + x] = data[row + size - 1 - x];
  }
  return out;
}

/** The model's map for a pair from the cache alone (undefined when it was never computed). */
export function cachedMap(model: ModelInfo, pair: Pair): MapResult | undefined {
  const input = preprocess(pair.image, model);
  const n = input.size * input.size;
  const file = cacheFile(model, pair, input.size);
  if (!existsSync(file)) return undefined;
  const buf = readFileSync(file);
  if (buf.byteLength !== n * 4) return undefined;
  const map = new Float32Array(n);
  new Uint8Array(map.buffer).set(buf);
  return { input, map, cached: true, inferMs: 0 };
}

/** Preprocesses the photo and returns the model's map, from the cache when allowed. */
export async function modelMap(model: ModelInfo, pair: Pair, useCache = true): Promise<MapResult> {
  const hit = useCache ? cachedMap(model, pair) : undefined;
  if (hit) return hit;
  const input = preprocess(pair.image, model);
  const { map, inferMs } = await inferCached(model, pair, input.tensor, input.size, false);
  return { input, map, cached: false, inferMs };
}

async function inferCached(model: ModelInfo, pair: Pair, tensor: Float32Array, size: number, flipped: boolean, useCache = false) {
  const file = cacheFile(model, pair, size, flipped);
  if (useCache && existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength === size * size * 4) {
      const map = new Float32Array(size * size);
      new Uint8Array(map.buffer).set(buf);
      return { map, inferMs: 0, cached: true };
    }
  }
  const started = performance.now();
  const map = await inferNode(model, { tensor, guide: tensor, size });
  const inferMs = performance.now() - started;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, new Uint8Array(map.buffer, map.byteOffset, map.byteLength));
  renameSync(tmp, file);
  return { map, inferMs, cached: false };
}

/**
 * An infer function over any input (a crop, for the subject zoom) that caches each map by
 * the input tensor's own sha256, so a second pass is computed once per model and crop.
 */
export function cachingInfer(model: ModelInfo, useCache = true): (input: ModelInput) => Promise<Float32Array> {
  return async (input) => {
    const bytes = new Uint8Array(input.tensor.buffer, input.tensor.byteOffset, input.tensor.byteLength);
    const key = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const file = join(cacheDir, `${model.sha256.slice(0, 16)}-t${key}-${input.size}-${CACHE_VERSION}.f32`);
    if (useCache && existsSync(file)) {
      const buf = readFileSync(file);
      if (buf.byteLength === input.size * input.size * 4) {
        const map = new Float32Array(input.size * input.size);
        new Uint8Array(map.buffer).set(buf);
        return map;
      }
    }
    const map = await inferNode(model, input);
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(map.buffer, map.byteOffset, map.byteLength));
    renameSync(tmp, file);
    return map;
  };
}

/**
 * Flip test-time augmentation: the mean of the map of the photo and the mirrored-back map
 * of the mirrored photo (two inferences). Each view is cached on its own.
 */
export async function flipAveragedMap(model: ModelInfo, pair: Pair, useCache = true): Promise<MapResult> {
  const plain = await modelMap(model, pair, useCache);
  const mirrored = await mirroredMap(model, pair, useCache);
  const map = plain.map.map((v, i) => (v + mirrored.map[i]) / 2);
  return { input: plain.input, map, cached: plain.cached && mirrored.cached, inferMs: plain.inferMs + mirrored.inferMs };
}

/** The map of the mirrored photo, mirrored back (cached on its own), with the unmirrored photo's input. */
export async function mirroredMap(model: ModelInfo, pair: Pair, useCache = true): Promise<MapResult> {
  const input = preprocess(pair.image, model);
  const mirrored = await inferCached(model, pair, flipPlanes(input.tensor, input.size), input.size, true, useCache);
  return { input, map: flipPlanes(mirrored.map, input.size), cached: mirrored.cached, inferMs: mirrored.inferMs };
}
