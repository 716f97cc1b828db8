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
import { floatsFromBase64, photoInPage } from './lib/page-photo.ts';

export async function timeRefine(photo: string, map: string, megapixels: number, runs: number) {
  const image = await photoInPage(photo, megapixels);
  const input = preprocess(image, modelInfo());
  const probabilities = floatsFromBase64(map);
  const { old, now } = interleaved(runs, () => refineAlphaReference(probabilities, input, image).data, () => refineAlpha(probabilities, input, image).data, 'the mattes');
  return { width: image.width, height: image.height, old, now };
}
