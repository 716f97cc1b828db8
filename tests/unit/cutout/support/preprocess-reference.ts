/**
 * web/src/cutout/preprocess.ts as it was before the normalisation moved into the resize's
 * pass (main at faa9945), verbatim below this comment but for the import paths (resizing with
 * the reference resizers), as the specification of preprocess's output bits.
 */
/**
 * Preprocess stage: RGBA pixels -> the network's input, a 1x3xSxS float32 tensor in CHW
 * layout with value = (pixel / 255 - mean) / std. The photo is squashed to the square
 * (ISNet was trained that way); refine undoes the squash at the photo's own size.
 */
import type { RgbaImage } from '../../../../web/src/cutout/image.ts';
import type { ModelInfo } from '../../../../web/src/cutout/model.ts';
import { resizeRgbaToPlanes } from './resample-reference.ts';

/** The network input and the same pixels in [0, 1], which refine uses as its guide. */
export interface ModelInput {
  /** 3·S·S floats, normalised, CHW. */
  tensor: Float32Array;
  /** 3·S·S floats in [0, 1], CHW: the photo at the network's resolution. */
  guide: Float32Array;
  size: number;
}

/** Resizes and normalises a photo for `model`. */
export function preprocess(image: RgbaImage, model: Pick<ModelInfo, 'inputSize' | 'normalize'>): ModelInput {
  const size = model.inputSize;
  const guide = resizeRgbaToPlanes(image.data, image.width, image.height, size, size);
  const tensor = new Float32Array(guide.length);
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    const mean = model.normalize.mean[c];
    const scale = 1 / model.normalize.std[c];
    for (let i = c * plane, end = i + plane; i < end; i++) tensor[i] = (guide[i] - mean) * scale;
  }
  return { tensor, guide, size };
}
