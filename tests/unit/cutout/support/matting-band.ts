/**
 * The matting band and the large-photo path's last step as whole masks, for the tests: the
 * product keeps the band as runs (mask-runs.ts) and applies the guided filter's coefficients
 * row by row as they come, so these wrap the very functions matteEdges runs.
 */
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';
import { dilateRuns, maskOfRuns, runsOfMask } from '../../../../web/src/cutout/mask-runs.ts';
import { bandApplier, bandRuns, type MattingOptions } from '../../../../web/src/cutout/matting.ts';

/** The band as a mask over the photo (1 = re-estimated), and the radius it was grown by. */
export function edgeBand(alpha: AlphaMatte, mapSize: number, options: Pick<MattingOptions, 'band' | 'minBand' | 'soft' | 'thickness'>): { mask: Uint8Array; radius: number } {
  const { runs, radius } = bandRuns(alpha, mapSize, options);
  return { mask: maskOfRuns(runs), radius };
}

/** Square dilation of a 0/1 mask by `r` pixels, cut at the borders. */
export function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return maskOfRuns(dilateRuns(runsOfMask(mask, w, h), r));
}

/**
 * The guided filter's coefficients (a0, a1, a2, b at the `ws`×`hs` working size) applied,
 * bilinearly interpolated, to the photo's own colours at the pixels whose nearest working
 * pixel is in `mask`; the matte elsewhere (a new matte). The planes are fed to bandApplier
 * a working row at a time, as guidedCoefficientRows feeds it in matteEdges.
 */
export function applyInBand(image: RgbaImage, matte: AlphaMatte, mask: Uint8Array, coefficients: Float32Array[], ws: number, hs: number): AlphaMatte {
  const { width: w, height: h } = matte;
  const data = matte.data.slice();
  const apply = bandApplier(image, data, runsOfMask(mask, ws, hs), ws, hs);
  const sums = new Float64Array(4 * ws);
  for (let j = 0; j < hs; j++) {
    for (let q = 0; q < 4; q++) sums.set(coefficients[q].subarray(j * ws, (j + 1) * ws), q * ws);
    apply(j, sums, 1);
  }
  return { width: w, height: h, data };
}
