/**
 * The page half of `scripts/time-colours-parts.ts`: bundled for the browser and run in
 * Chromium. Times compose against a snapshot of the colours code (`colours-base`, a folder
 * the script names: the tests' reference, or an earlier commit's web/src/cutout) interleaved,
 * checking the cutouts agree byte for byte; then the new code's parts one by one, as
 * foregroundColours runs them: the band scan, the pyramid with the photo's own level (on its
 * band or row by row), and compose's own loop without the colours.
 */
// @ts-expect-error: an alias the script gives Vite (a snapshot of compose.ts and what it imports).
import { compose as composeBase } from 'colours-base/compose.ts';
import { compose } from '../web/src/cutout/compose.ts';
import { DEFAULT_FOREGROUND, foregroundColours } from '../web/src/cutout/foreground.ts';
import { semiTransparent } from '../web/src/cutout/foreground-band.ts';
import type { AlphaMatte, RgbaImage } from '../web/src/cutout/image.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const time = <T>(f: () => T): [T, number] => {
  const started = performance.now();
  const out = f();
  return [out, performance.now() - started];
};

/**
 * foregroundColours' steps with the defaults, each timed: `parts[name]` gets one time per run.
 * The pyramid is solved as its finest level asks for rows (foreground-own.ts levelRows), so
 * its levels are timed together with the photo's own level.
 */
function parts(image: RgbaImage, alpha: AlphaMatte, into: Record<string, number[]>) {
  const add = (name: string, t: number) => (into[name] ??= []).push(t);
  const [band, tBand] = time(() => semiTransparent(alpha.data));
  add('band scan', tBand);
  const over = image.width * image.height > DEFAULT_FOREGROUND.maxDenseSide ** 2;
  const own = over || DEFAULT_FOREGROUND.ownBandMargin !== undefined ? `own level on its band (${band.length} px${over ? '' : ` + ${DEFAULT_FOREGROUND.ownBandMargin}`})` : 'own level whole';
  add(`levels and ${own}`, time(() => foregroundColours(image, alpha))[1] - tBand);
  add('compose loop', time(() => compose(image, alpha, undefined, false, null))[1]);
  add('| foregroundColours whole', time(() => foregroundColours(image, alpha))[1]);
  add('compose whole', time(() => compose(image, alpha))[1]);
}

/** With `same` false the two may give different cutouts (a change of output being timed): then their bytes are not compared. */
export function timeParts(pixels: string, matte: string, width: number, height: number, runs: number, same = true) {
  const image = { width, height, data: new Uint8ClampedArray(fromBase64(pixels).buffer) };
  const alpha = { width, height, data: fromBase64(matte) };
  const length = (f: () => { length: number }) => () => [f().length];
  const { old, now } = same
    ? interleaved(runs, () => composeBase(image, alpha).data, () => compose(image, alpha).data, 'the cutouts')
    : interleaved(runs, length(() => composeBase(image, alpha).data), length(() => compose(image, alpha).data), 'the cutouts\' sizes');
  const split: Record<string, number[]> = {};
  for (let run = 0; run < runs; run++) parts(image, alpha, split);
  return { old, now, split };
}
