/**
 * Preprocess stage: RGBA pixels -> the network's input, a 1x3xSxS float32 tensor in CHW
 * layout with value = (pixel / 255 - mean) / std. The photo is squashed to the square
 * (ISNet was trained that way); refine undoes the squash at the photo's own size.
 */
import type { RgbaImage } from './image.ts';
import type { ModelInfo } from './model.ts';
import { resizeRgbaToInput } from './resample.ts';

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
  const { mean, std } = model.normalize;
  const scale = [1 / std[0], 1 / std[1], 1 / std[2]] as const;
  const { guide, tensor } = resizeRgbaToInput(image.data, image.width, image.height, size, size, { mean, scale });
  return { tensor, guide, size };
}
