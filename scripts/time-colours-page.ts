/**
 * The page half of `scripts/time-colours.ts --chromium`: bundled for the browser and run in
 * Chromium, it times compose against the old code (the tests' reference) on the photo's
 * pixels and the matte made in Node, interleaved, checking the cutouts agree byte for byte.
 */
import { compose } from '../web/src/cutout/compose.ts';
import { compose as composeReference } from '../tests/unit/cutout/support/colours-reference/compose.ts';
import { interleaved } from './lib/interleaved.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function timeCompose(pixels: string, matte: string, width: number, height: number, runs: number) {
  const image = { width, height, data: new Uint8ClampedArray(fromBase64(pixels).buffer) };
  const alpha = { width, height, data: fromBase64(matte) };
  return interleaved(runs, () => composeReference(image, alpha).data, () => compose(image, alpha).data, 'the cutouts');
}
