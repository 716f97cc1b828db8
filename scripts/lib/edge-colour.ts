/**
 * Edge colour: does a cutout put on a new background show a fringe of the old one? The
 * dev photos have true mattes but no true subject colours, so a test photo is made whose
 * answer is known: the dev photo P (standing for the subject F) composited by its true
 * matte αt over a known old background B1, C = αt·P + (1 − αt)·B1. The cutout of C with the
 * model's matte α (as the app would compose it) is put on a new background B2 and compared
 * with the truth αt·P + (1 − αt)·B2 in the band around the true edge. Black and white are
 * both used as B2, as a fringe shows on one or the other.
 */
import { compose, flatten, type Background } from '../../web/src/cutout/compose.ts';
import type { ForegroundOptions } from '../../web/src/cutout/foreground.ts';
import type { AlphaMatte, RgbaImage } from '../../web/src/cutout/image.ts';
import { DEFAULT_BAND, edgeBand, type Plane } from './metrics.ts';

/** The new backgrounds the cutout is judged on. */
export const NEW_BACKGROUNDS: Background[] = [
  { kind: 'color', color: [0, 0, 0] },
  { kind: 'color', color: [255, 255, 255] },
];

/** `front` over `back` by `alpha`, opaque (all three of one size). */
export function compositeOver(front: RgbaImage, alpha: Plane, back: RgbaImage): RgbaImage {
  const out = new Uint8ClampedArray(front.data.length);
  for (let i = 0, p = 0; i < alpha.data.length; i++, p += 4) {
    const a = alpha.data[i] / 255;
    for (let c = 0; c < 3; c++) out[p + c] = a * front.data[p + c] + (1 - a) * back.data[p + c];
    out[p + 3] = 255;
  }
  return { width: front.width, height: front.height, data: out };
}

/**
 * Mean absolute colour error in [0, 1] (over channels and the new backgrounds) within
 * `band` px of the true edge, of the cutout of `composite` with `alpha` against the truth;
 * `foreground` as compose takes it (null: the photo's colours kept). Null without an edge.
 */
export function edgeColourError(
  subject: RgbaImage,
  truth: Plane,
  composite: RgbaImage,
  alpha: AlphaMatte,
  foreground: ForegroundOptions | null,
  band = DEFAULT_BAND,
): number | null {
  const inBand = edgeBand(truth, band);
  const cutout = compose(composite, alpha, { kind: 'transparent' }, false, foreground);
  const trueCutout = compose(subject, truth, { kind: 'transparent' }, false, null);
  let sum = 0, n = 0;
  for (const background of NEW_BACKGROUNDS) {
    const seen = flatten(cutout, background).data;
    const truthSeen = flatten(trueCutout, background).data;
    for (let i = 0; i < inBand.length; i++) {
      if (!inBand[i]) continue;
      for (let c = 0; c < 3; c++) sum += Math.abs(seen[i * 4 + c] - truthSeen[i * 4 + c]);
      n += 3;
    }
  }
  return n === 0 ? null : sum / n / 255;
}
