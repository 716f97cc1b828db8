/**
 * The page half of `scripts/time-matting.ts --chromium`: bundled for the browser and run in
 * Chromium, it decodes the photo there (enlarged to `megapixels` when asked), makes the
 * matte from the map computed in Node with the app's preprocess and refinement, and times
 * matteEdges against the old code (the tests' reference, or another version: timeMattingAgainst),
 * interleaved, checking the mattes agree.
 */
import { DEFAULT_MATTING, matteEdges } from '../web/src/cutout/matting.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { matteFromMap } from '../web/src/cutout/pipeline.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { matteEdgesReference } from '../tests/unit/cutout/support/matting-reference.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function timeMatting(photo: string, map: string, megapixels: number, modelId: string, runs: number) {
  return timeMattingAgainst(matteEdgesReference, photo, map, megapixels, modelId, runs);
}

/** timeMatting against another version of matteEdges (scripts/time-matting.ts --old). */
export async function timeMattingAgainst(before: typeof matteEdges, photo: string, map: string, megapixels: number, modelId: string, runs: number) {
  const bitmap = await createImageBitmap(new Blob([fromBase64(photo)]));
  const factor = megapixels > 0 ? Math.sqrt((megapixels * 1e6) / (bitmap.width * bitmap.height)) : 1;
  const width = Math.round(bitmap.width * factor), height = Math.round(bitmap.height * factor);
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const image = { width, height, data: context.getImageData(0, 0, width, height).data };
  const model = modelInfo(modelId);
  const input = preprocess(image, model);
  const bytes = fromBase64(map);
  const matte = matteFromMap(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), input, image, model);
  const options = { ...DEFAULT_MATTING, ...model.matting };
  const { old, now } = interleaved(runs, () => before(image, matte, input.size, options).data, () => matteEdges(image, matte, input.size, options).data, 'the mattes');
  return { width, height, old, now };
}
