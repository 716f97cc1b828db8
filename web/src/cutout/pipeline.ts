/**
 * The stages in order, for pixels already decoded: preprocess -> infer -> refine -> zoom ->
 * matting -> compose. A model with a second opinion (its manifest entry's `second`) runs the
 * second model's preprocess -> infer -> refine -> zoom -> matting before compose, its time
 * added to the stages of the same names. Decoding and encoding depend on the platform
 * (browser or Node) and are timed by the caller; everything here is the same code in the
 * worker, the CLI and the tests.
 */
import { compose, type Background, TRANSPARENT } from './compose.ts';
import { composeForDisplay } from './display.ts';
import { throwIfAborted } from './errors.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { cleanMap } from './mask-cleanup.ts';
import { DEFAULT_MATTING, matteEdges } from './matting.ts';
import { modelInfo, type ModelInfo, type SecondOpinion } from './model.ts';
import { preprocess, type ModelInput } from './preprocess.ts';
import { DEFAULT_REFINE, refineAlpha, upsampleAlpha, type RefineOptions } from './refine.ts';
import { surer } from './surer.ts';
import { addTimings } from './timings.ts';
import { agreement, cropImage, mergeZoom, zoomFeather, zoomRect, type ZoomOptions } from './zoom.ts';

export const STAGES = ['decode', 'preprocess', 'infer', 'refine', 'zoom', 'matting', 'compose', 'encode'] as const;
export type Stage = (typeof STAGES)[number];
/** Milliseconds spent in each stage. */
export type StageTimings = Partial<Record<Stage, number>>;

export interface CutoutOptions {
  /** Edge-aware refinement (default) or plain bilinear upsampling (false). */
  refine?: boolean | RefineOptions;
  background?: Background;
  /**
   * Compose the cutout at the size the page shows it (display.ts) rather than the photo's
   * own; the matte stays at the photo's size. For the browser page, whose files are
   * exported from the matte; the CLI and the Node engine leave it off.
   */
  display?: boolean;
}

export interface Hooks {
  /** Called as each stage starts. */
  onStage?: (stage: Stage) => void;
  signal?: AbortSignal;
}

/** Runs `fn` as `stage`: reports it, checks for cancellation, and adds its time to the stage's. */
export async function timed<T>(stage: Stage, timings: StageTimings, hooks: Hooks, fn: () => T | Promise<T>): Promise<T> {
  throwIfAborted(hooks.signal);
  hooks.onStage?.(stage);
  const started = performance.now();
  const result = await fn();
  timings[stage] = (timings[stage] ?? 0) + performance.now() - started;
  return result;
}

/**
 * Runs a network on a preprocessed input, returning its S×S probability map: `model`'s, the
 * one the input was made for (a cut may run a second model, with its own input size).
 */
export type InferFn = (input: ModelInput, model: ModelInfo) => Promise<Float32Array>;

export interface MatteResult {
  alpha: AlphaMatte;
  cutout: RgbaImage;
  timings: StageTimings;
}

/**
 * Cuts out decoded pixels: the matte at the photo's own size and the composed RGBA. With
 * `consumeImage` the cutout is composed into `image`'s own buffer (which is then the
 * cutout, not the photo): for callers that decoded the photo only for this.
 */
export async function cutPixels(
  image: RgbaImage,
  model: ModelInfo,
  infer: InferFn,
  options: CutoutOptions = {},
  hooks: Hooks = {},
  consumeImage = false,
): Promise<MatteResult> {
  const timings: StageTimings = {};
  const input = await timed('preprocess', timings, hooks, () => preprocess(image, model));
  const result = await cutInput(image, input, model, infer, options, hooks, consumeImage);
  return { ...result, timings: addTimings(timings, result.timings) };
}

/**
 * The stages after preprocess (infer -> refine -> zoom -> matting, the second opinion's,
 * compose), for a photo and the input preprocess made of it: the browser engine
 * preprocesses the next photo in another worker while this one's network runs.
 * `consumeImage` as in cutPixels.
 */
export async function cutInput(
  image: RgbaImage,
  input: ModelInput,
  model: ModelInfo,
  infer: InferFn,
  options: CutoutOptions = {},
  hooks: Hooks = {},
  consumeImage = false,
): Promise<MatteResult> {
  const timings: StageTimings = {};
  const refine = options.refine ?? true;
  const alpha = await cutMatte(image, input, model, infer, refine, timings, hooks);
  const background = options.background ?? TRANSPARENT;
  const cutout = await timed('compose', timings, hooks, () =>
    options.display ? composeForDisplay(image, alpha, background, consumeImage) : compose(image, alpha, background, consumeImage),
  );
  return { alpha, cutout, timings };
}

/**
 * The matte at the photo's size as `model`'s entry makes it from `input`: infer -> refine ->
 * zoom -> matting, then its second opinion. Each stage's time is added to `timings`.
 */
export async function cutMatte(
  image: RgbaImage,
  input: ModelInput,
  model: ModelInfo,
  infer: InferFn,
  refine: boolean | RefineOptions = true,
  timings: StageTimings = {},
  hooks: Hooks = {},
): Promise<AlphaMatte> {
  const map = await timed('infer', timings, hooks, () => infer(input, model));
  const first = await timed('refine', timings, hooks, () => matteFromMap(map, input, image, model, refine));
  // Always timed (0 when the subject is large), so every cut reports the same stages.
  const zoomed = await timed('zoom', timings, hooks, () => zoomPass(image, map, input.size, first, model, infer, refine));
  const alpha = await timed('matting', timings, hooks, () => mattingPass(image, zoomed, input.size, model, refine));
  return model.second ? secondOpinion(image, alpha, model.second, infer, refine, timings, hooks) : alpha;
}

/** The second model's matte, made as its own entry makes it, in place of `first` when it is surer (surer.ts). */
async function secondOpinion(
  image: RgbaImage,
  first: AlphaMatte,
  second: SecondOpinion,
  infer: InferFn,
  refine: boolean | RefineOptions,
  timings: StageTimings,
  hooks: Hooks,
): Promise<AlphaMatte> {
  const model = modelInfo(second.model);
  const input = await timed('preprocess', timings, hooks, () => preprocess(image, model));
  return surer(first, await cutMatte(image, input, model, infer, refine, timings, hooks), second.unsure);
}

/** The network's map as a matte at the photo's size: the model's mask cleanup, then the refinement (or bilinear upsampling). */
export function matteFromMap(map: Float32Array, input: ModelInput, image: RgbaImage, model: ModelInfo, refine: boolean | RefineOptions = true): AlphaMatte {
  // The model's own mask cleanup (Fast's haze), at the map's resolution, before upsampling.
  const clean = model.cleanup ? cleanMap(map, input.size, model.cleanup) : map;
  return refine === false
    ? upsampleAlpha(clean, input.size, image.width, image.height)
    : refineAlpha(clean, input, image, refine === true ? DEFAULT_REFINE : refine);
}

/**
 * The subject zoom (zoom.ts): when the first pass's subject fills a small part of the
 * photo, the crop around it is cut again at the network's size and merged into `first`.
 * Returns `first` itself when the model has no zoom or the subject is large.
 */
export async function zoomPass(
  image: RgbaImage,
  map: Float32Array,
  size: number,
  first: AlphaMatte,
  model: ModelInfo,
  infer: InferFn,
  refine: boolean | RefineOptions = true,
  zoom: ZoomOptions | undefined = model.zoom,
): Promise<AlphaMatte> {
  // The subject as the first matte has it: after the model's cleanup (no far islands).
  const rect = zoom ? zoomRect(model.cleanup ? cleanMap(map, size, model.cleanup) : map, size, image.width, image.height, zoom) : null;
  if (!zoom || !rect) return first;
  const crop = cropImage(image, rect);
  const input = preprocess(crop, model);
  const matte = matteFromMap(await infer(input, model), input, crop, model, refine);
  if (zoom.minAgreement !== undefined && agreement(first, matte, rect) < zoom.minAgreement) return first;
  return mergeZoom(first, matte, rect, zoomFeather(rect, zoom));
}

/**
 * The edge-band matting (matting.ts) for models whose manifest entry asks for it, with
 * the refinement on; otherwise `matte` itself (plain bilinear stays the bare baseline).
 */
export function mattingPass(image: RgbaImage, matte: AlphaMatte, mapSize: number, model: ModelInfo, refine: boolean | RefineOptions = true): AlphaMatte {
  if (!model.matting || refine === false) return matte;
  return matteEdges(image, matte, mapSize, { ...DEFAULT_MATTING, ...model.matting });
}
