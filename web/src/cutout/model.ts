/**
 * The model manifest (models/manifest.json) and, in the browser, fetching a model's bytes
 * with progress and keeping them in Cache Storage so the app works offline.
 */
import manifestJson from '../../../models/manifest.json' with { type: 'json' };
import type { CleanupOptions } from './mask-cleanup.ts';
import type { MattingOptions } from './matting.ts';
import type { ZoomOptions } from './zoom.ts';

/** One entry of models/manifest.json. */
export interface ModelInfo {
  id: string;
  label: string;
  file: string;
  bytes: number;
  sha256: string;
  /** Side of the square network input, in pixels. */
  inputSize: number;
  inputName: string;
  outputName: string;
  /** value = (pixel / 255 - mean) / std, per RGB channel. */
  normalize: { mean: [number, number, number]; std: [number, number, number] };
  source: { package: string; version: string; key: string };
  /**
   * Graph rewrites scripts/prepare-models.ts applies to the package's model (bytes and
   * sha256 above are then the derived file's): keep only these outputs; run at this input
   * side. Absent: the package's model as it is.
   */
  derive?: ModelDerivation;
  /** Mask cleanup (mask-cleanup.ts) run on this model's map before refinement; absent: none. */
  cleanup?: CleanupOptions;
  /** Subject zoom (zoom.ts): a second pass on the crop around a small subject; absent: none. */
  zoom?: ZoomOptions;
  /** Edge-band matting (matting.ts) after the zoom, with these settings over DEFAULT_MATTING; absent: none. */
  matting?: Partial<MattingOptions>;
  /** A second model run on the same photo, whose matte is kept when it is surer (surer.ts); absent: none. */
  second?: SecondOpinion;
  description: string;
  licence: string;
}

/**
 * A second model's matte, made as that model's own entry makes it (its cleanup and zoom),
 * replaces this model's when fewer of its pixels are unsure: alpha strictly between
 * `unsure` and 1 − `unsure`.
 */
export interface SecondOpinion {
  model: string;
  unsure: number;
}

/** The rewrites a manifest entry may ask for (see scripts/lib/onnx/derive.ts). */
export interface ModelDerivation {
  outputs?: string[];
  /** Static int8 (scripts/lib/onnx/quantize-isnet.ts), with the ranges `npm run calibrate` wrote to models/. */
  quantize?: {
    calibration: string;
    method: 'max' | 'p99.99' | 'p99.999' | 'entropy';
    keepFloat: string[];
    activations?: 'uint8' | 'int8';
    /** MaxPools, residual Adds and Resize → Concat run in uint8 too (scripts/lib/onnx/quantize-glue.ts). */
    glue?: { pools?: boolean; adds?: boolean; resizes?: boolean };
  };
  inputSize?: number;
}

export interface Manifest {
  default: string;
  models: ModelInfo[];
}

export const manifest = manifestJson as Manifest;

/** The manifest entry for `id`; throws ModelLoadError for an unknown id. */
export function modelInfo(id: string = manifest.default): ModelInfo {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) throw new ModelLoadError(`unknown model "${id}"`);
  return model;
}

/** The models a cut with `model` runs: the model itself, then its second opinion's. */
export function modelsOf(model: ModelInfo): ModelInfo[] {
  return model.second ? [model, modelInfo(model.second.model)] : [model];
}

/** What a cut with `model` downloads: the bytes of every model it runs. */
export function downloadBytes(model: ModelInfo): number {
  return modelsOf(model).reduce((sum, m) => sum + m.bytes, 0);
}

/** A model could not be fetched, verified or opened. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** Bytes received so far out of the total, for a progress bar. */
export interface DownloadProgress {
  loaded: number;
  total: number;
}

export const MODEL_CACHE = 'clearcut-models-v1';

/** The URL the app serves a model from (same origin, long-lived cache headers). */
export function modelUrl(model: ModelInfo, base = '/models/'): string {
  return `${base}${model.file}?v=${model.sha256.slice(0, 16)}`;
}

/** A model's bytes, and the promise of their being kept in Cache Storage (settled at once when they came from it). */
export interface FetchedModel {
  bytes: Uint8Array;
  kept: Promise<void>;
}

/**
 * The model's bytes: from Cache Storage when it was downloaded before, otherwise fetched
 * with byte progress, checked against the manifest's size and kept in the cache. They are
 * returned as soon as they are here, while the cache is still being written (`kept`), so
 * that the session can open meanwhile: writing 45 MB to Cache Storage is not free.
 */
export async function fetchModel(
  model: ModelInfo,
  onProgress: (p: DownloadProgress) => void = () => {},
  signal?: AbortSignal,
  base?: string,
): Promise<FetchedModel> {
  const url = modelUrl(model, base);
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(MODEL_CACHE);
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    if (bytes.byteLength === model.bytes) {
      onProgress({ loaded: bytes.byteLength, total: model.bytes });
      return { bytes, kept: Promise.resolve() };
    }
    await cache?.delete(url);
  }
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ModelLoadError(`could not download the ${model.label.toLowerCase()} model (${model.id}): you may be offline`);
  }
  if (!response.ok || !response.body) {
    throw new ModelLoadError(`could not download the model ${model.id}: HTTP ${response.status}`);
  }
  const bytes = new Uint8Array(model.bytes);
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > bytes.byteLength) throw new ModelLoadError(`model ${model.id} is larger than the manifest says`);
    bytes.set(value, loaded);
    loaded += value.byteLength;
    onProgress({ loaded, total: model.bytes });
  }
  if (loaded !== model.bytes) throw new ModelLoadError(`model ${model.id} download was cut short (${loaded} of ${model.bytes} bytes)`);
  if (!cache) return { bytes, kept: Promise.resolve() };
  // The Response takes its own copy of the bytes at once: the caller may hand them on meanwhile.
  const keepStarted = performance.now();
  const kept = cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  kept.then(() => void performance.measure(`clearcut:keep ${model.id}`, { start: keepStarted }), () => {});
  return { bytes, kept };
}

/** Which models are kept in Cache Storage (available offline). */
export async function cachedModelIds(base?: string): Promise<string[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(MODEL_CACHE);
  const ids: string[] = [];
  for (const model of manifest.models) if (await cache.match(modelUrl(model, base))) ids.push(model.id);
  return ids;
}

/** Removes a model from Cache Storage. */
export async function removeCachedModel(model: ModelInfo, base?: string): Promise<void> {
  if (typeof caches === 'undefined') return;
  await (await caches.open(MODEL_CACHE)).delete(modelUrl(model, base));
}
