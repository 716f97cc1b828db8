/**
 * The half of `scripts/time-resample.ts` that runs in both Node and (bundled) Chromium: the
 * three resizers on a photo's critical path timed against their earlier version (the tests'
 * reference, tests/unit/cutout/support/resample-reference.ts), interleaved, each run's
 * outputs compared byte for byte.
 */
import { displaySize } from '../web/src/cutout/display.ts';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { DEFAULT_MATTING } from '../web/src/cutout/matting.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { resizeRgbAndMatteBytes, resizeRgbaWithMatte } from '../web/src/cutout/resample.ts';
import { preprocess as preprocessReference } from '../tests/unit/cutout/support/preprocess-reference.ts';
import * as reference from '../tests/unit/cutout/support/resample-reference.ts';
import { photoInPage } from './lib/page-photo.ts';

export interface Timing {
  name: string;
  to: string;
  old: number[];
  now: number[];
}

/** A soft matte with the photo's size, made from its green channel (the values do not matter for the time). */
export function matteOf(image: RgbaImage): AlphaMatte {
  const data = new Uint8Array(image.width * image.height);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i * 4 + 1];
  return { width: image.width, height: image.height, data };
}

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) => {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
};

/** Interleaved old/new timings of one resizer, after two untimed runs of each (the JIT's warm-up); throws when an output differs. */
function timePair<T>(name: string, to: string, runs: number, old: () => T, now: () => T, bytes: (r: T) => ArrayBufferView[]): Timing {
  const timing: Timing = { name, to, old: [], now: [] };
  for (let run = 0; run < 2; run++) (old(), now());
  for (let run = 0; run < runs; run++) {
    let a!: T, b!: T;
    const timeOld = () => {
      const started = performance.now();
      a = old();
      timing.old.push(performance.now() - started);
    };
    const timeNew = () => {
      const started = performance.now();
      b = now();
      timing.now.push(performance.now() - started);
    };
    if (run % 2) { timeOld(); timeNew(); } else { timeNew(); timeOld(); }
    const [x, y] = [bytes(a), bytes(b)];
    if (!x.every((v, i) => sameBytes(v, y[i]))) throw new Error(`${name} -> ${to}: the outputs differ`);
  }
  return timing;
}

/**
 * Times, on `image` and `matte`: preprocess for the default model (resize and normalisation,
 * against the earlier preprocess.ts kept in tests/unit/cutout/support: resample.ts's resizeRgbaToInput), the matting's
 * shrink to DEFAULT_MATTING.maxSide (when the photo is larger) and the page's picture
 * (composeForDisplay's shrink to displaySize, when smaller than the photo).
 */
export function timeResizers(image: RgbaImage, matte: AlphaMatte, runs: number): Timing[] {
  const { width: w, height: h } = image;
  const model = modelInfo();
  const size = `${model.inputSize}x${model.inputSize}`;
  const timings = [timePair('preprocess', size, runs, () => preprocessReference(image, model), () => preprocess(image, model), (r) => [r.guide, r.tensor])];
  const scale = DEFAULT_MATTING.maxSide / Math.max(w, h);
  if (scale < 1) {
    const ws = Math.max(1, Math.round(w * scale)), hs = Math.max(1, Math.round(h * scale));
    // The earlier code's float matte, rounded to bytes as matting.ts then did.
    const old = () => {
      const r = reference.resizeRgbAndMatte(image, matte, ws, hs);
      return { image: r.image, matte: Uint8Array.from(r.matte, (v) => (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0)) };
    };
    timings.push(timePair('resizeRgbAndMatteBytes', `${ws}x${hs}`, runs, old, () => resizeRgbAndMatteBytes(image, matte, ws, hs), (r) => [r.image.data, r.matte]));
  }
  const shown = displaySize(w, h);
  if (shown.width !== w || shown.height !== h) {
    const { width: ws, height: hs } = shown;
    timings.push(timePair('resizeRgbaWithMatte', `${ws}x${hs}`, runs, () => reference.resizeRgbaWithMatte(image, matte, ws, hs), () => resizeRgbaWithMatte(image, matte, ws, hs), (r) => [r.image.data, r.matte.data]));
  }
  return timings;
}

/** In the page: decodes the photo, enlarges it to `width`×`height` (its own size when the same) and times the resizers. */
export async function timeInPage(photo: string, width: number, height: number, runs: number) {
  const image = await photoInPage(photo, { width, height });
  return timeResizers(image, matteOf(image), runs);
}
