/**
 * The page half of `scripts/time-colours-parts.ts`: bundled for the browser and run in
 * Chromium. Times compose against a snapshot of the colours code (`colours-base`, a folder
 * the script names: the tests' reference, or an earlier commit's web/src/cutout) interleaved,
 * checking the cutouts agree byte for byte; then the new code's parts one by one, as
 * foregroundColours runs them: the band scan, each pyramid level, the photo's own level (on
 * its band or row by row), and compose's own loop without the colours.
 */
// @ts-expect-error: an alias the script gives Vite (a snapshot of compose.ts and what it imports).
import { compose as composeBase } from 'colours-base/compose.ts';
import { compose } from '../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND, foregroundColours } from '../web/src/cutout/foreground.ts';
import { semiTransparent } from '../web/src/cutout/foreground-band.ts';
import type { Solved } from '../web/src/cutout/foreground-level.ts';
import { ownBandColours } from '../web/src/cutout/foreground-own-band.ts';
import { ownLevelColours, solveLevel } from '../web/src/cutout/foreground-own.ts';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const time = <T>(f: () => T): [T, number] => {
  const started = performance.now();
  const out = f();
  return [out, performance.now() - started];
};

/** foregroundColours' steps with the defaults, each timed: `parts[name]` gets one time per run. */
function parts(image: RgbaImage, alpha: AlphaMatte, into: Record<string, number[]>) {
  const add = (name: string, t: number) => (into[name] ??= []).push(t);
  const o = DEFAULT_FOREGROUND, { width: w0, height: h0 } = image;
  const [band, tBand] = time(() => semiTransparent(alpha.data));
  add('band scan', tBand);
  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(w0, h0))));
  const fill: [number, number, number] = [0.5, 0.5, 0.5];
  let prev: Solved | undefined;
  let small = 0;
  for (let i = 0; i < levels; i++) {
    const w = Math.round(w0 ** (i / levels)), h = Math.round(h0 ** (i / levels));
    if (w * h > o.maxDenseSide ** 2) break;
    const its = w <= o.smallSize && h <= o.smallSize ? o.smallIterations : o.bigIterations;
    const [next, t] = time(() => solveLevel(image, alpha, w, h, prev, fill, its, o));
    prev = next;
    if (w * h < 100_000) small += t;
    else add(`level ${w}x${h}`, t);
  }
  add('levels < 0.1 MP', small);
  if (w0 * h0 > o.maxDenseSide ** 2) add(`own level band (${band.length} px)`, time(() => ownBandColours(image, alpha, band, prev!, o.bigIterations, o))[1]);
  else add(`own level ${w0}x${h0} dense`, time(() => ownLevelColours(image, alpha, band, prev!, o.bigIterations, o))[1]);
  add('compose loop', time(() => compose(image, alpha, undefined, false, null))[1]);
  add('| foregroundColours whole', time(() => foregroundColours(image, alpha))[1]);
  add('compose whole', time(() => compose(image, alpha))[1]);
}

export function timeParts(pixels: string, matte: string, width: number, height: number, runs: number) {
  const image = { width, height, data: new Uint8ClampedArray(fromBase64(pixels).buffer) };
  const alpha = { width, height, data: fromBase64(matte) };
  const { old, now } = interleaved(runs, () => composeBase(image, alpha).data, () => compose(image, alpha).data, 'the cutouts');
  const split: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) parts(image, alpha, split);
  return { old, now, split };
}
