/**
 * The page half of `scripts/time-refine.ts --chromium`: bundled for the browser and run in
 * Chromium, it decodes the photo there (enlarged to `megapixels` when asked), makes the
 * network's input with the app's preprocess and times refineAlpha against the old code
 * (the tests' reference) on the map computed in Node, interleaved, checking the mattes agree.
 */
import { modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { refineAlpha } from '../web/src/cutout/refine.ts';
import { refineAlphaReference } from '../tests/unit/cutout/support/refine-reference.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function timeRefine(photo: string, map: string, megapixels: number, runs: number) {
  const bitmap = await createImageBitmap(new Blob([fromBase64(photo)]));
  const factor = megapixels > 0 ? Math.sqrt((megapixels * 1e6) / (bitmap.width * bitmap.height)) : 1;
  const width = Math.round(bitmap.width * factor), height = Math.round(bitmap.height * factor);
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const image = { width, height, data: context.getImageData(0, 0, width, height).data };
  const input = preprocess(image, modelInfo());
  const bytes = fromBase64(map);
  const probabilities = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const { old, now } = interleaved(runs, () => refineAlphaReference(probabilities, input, image).data, () => refineAlpha(probabilities, input, image).data, 'the mattes');
  return { width, height, old, now };
}
