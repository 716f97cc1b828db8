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
import { floatsFromBase64, photoInPage } from './lib/page-photo.ts';

export function timeMatting(photo: string, map: string, megapixels: number, modelId: string, runs: number) {
  return timeMattingAgainst(matteEdgesReference, photo, map, megapixels, modelId, runs);
}

/** timeMatting against another version of matteEdges (scripts/time-matting.ts --old). */
export async function timeMattingAgainst(before: typeof matteEdges, photo: string, map: string, megapixels: number, modelId: string, runs: number) {
  const image = await photoInPage(photo, megapixels);
  const { width, height } = image;
  const model = modelInfo(modelId);
  const input = preprocess(image, model);
  const matte = matteFromMap(floatsFromBase64(map), input, image, model);
  const options = { ...DEFAULT_MATTING, ...model.matting };
  const { old, now } = interleaved(runs, () => before(image, matte, input.size, options).data, () => matteEdges(image, matte, input.size, options).data, 'the mattes');
  return { width, height, old, now };
}
