/**
 * The page half of `scripts/time-display.ts`: bundled for the browser and run in Chromium, it
 * decodes the photo there (enlarged to `megapixels` when asked), makes the matte from the map
 * computed in Node with the app's preprocess, refinement and matting, and times composeForDisplay
 * against the old code (the same shrink, then the tests' colours reference: compose with the
 * shrunk picture's settings), interleaved, checking the cutouts agree byte for byte; then the
 * new code's parts alone, as composeForDisplay runs them: the shrink (resample.ts), the
 * foreground colours, and compose's own loop without them.
 */
import { compose, TRANSPARENT } from '../web/src/cutout/compose.ts';
import { composeForDisplay, displaySize } from '../web/src/cutout/display.ts';
import { DEFAULT_FOREGROUND, foregroundColours } from '../web/src/cutout/foreground.ts';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap, mattingPass } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { resizeRgbaWithMatte } from '../web/src/cutout/resample.ts';
// @ts-expect-error: an alias the script gives Vite (the old compose.ts and what it imports: the tests' reference by default).
import { compose as composeReference } from 'colours-base/compose.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** display.ts's settings for the shrunk picture's colours (SHRUNK_FOREGROUND, not exported). */
const SHRUNK = { ...DEFAULT_FOREGROUND, maxDenseSide: 768 };

/** composeForDisplay with the old colours and compose. */
function composeForDisplayOld(image: RgbaImage, alpha: AlphaMatte): RgbaImage {
  const { width, height } = displaySize(image.width, image.height);
  if (width === image.width && height === image.height) return composeReference(image, alpha, TRANSPARENT);
  const small = resizeRgbaWithMatte(image, alpha, width, height);
  return composeReference(small.image, small.matte, TRANSPARENT, true, SHRUNK);
}

const time = (f: () => void) => {
  const started = performance.now();
  f();
  return performance.now() - started;
};

export async function timeDisplay(photo: string, map: string, megapixels: number, modelId: string, runs: number) {
  const bitmap = await createImageBitmap(new Blob([fromBase64(photo)]));
  const factor = megapixels > 0 ? Math.sqrt((megapixels * 1e6) / (bitmap.width * bitmap.height)) : 1;
  const width = Math.round(bitmap.width * factor), height = Math.round(bitmap.height * factor);
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const image: RgbaImage = { width, height, data: context.getImageData(0, 0, width, height).data };
  const model = modelInfo(modelId);
  const input = preprocess(image, model);
  const bytes = fromBase64(map);
  const first = matteFromMap(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), input, image, model);
  const matte = mattingPass(image, first, input.size, model);
  const { old, now } = interleaved(runs, () => composeForDisplayOld(image, matte).data, () => composeForDisplay(image, matte, TRANSPARENT).data, 'the cutouts');
  const size = displaySize(width, height), shrunk = size.width !== width || size.height !== height;
  const parts = { shrink: [] as number[], colours: [] as number[], compose: [] as number[] };
  for (let run = 0; run < runs; run++) {
    let small = { image, matte };
    if (shrunk) parts.shrink.push(time(() => (small = resizeRgbaWithMatte(image, matte, size.width, size.height))));
    parts.colours.push(time(() => foregroundColours(small.image, small.matte, shrunk ? SHRUNK : DEFAULT_FOREGROUND)));
    // In place, as composeForDisplay composes the shrunk picture (a copy first when the photo is its own size).
    const pixels = { ...small.image, data: small.image.data.slice() };
    parts.compose.push(time(() => compose(pixels, small.matte, TRANSPARENT, true, null)));
  }
  return { width, height, old, now, parts };
}
