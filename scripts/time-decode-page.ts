/**
 * The page half of `scripts/time-decode.ts`: bundled for the browser and run in Chromium, it
 * times decodeInBrowser (web/src/cutout/decode.ts) against the canvas-only decode it
 * replaced (the tests' reference), interleaved, checking they give the same bytes, and
 * times each step of the canvas path.
 */
import { decodeInBrowser, inspectImage } from '../web/src/cutout/decode.ts';
import { decodeInBrowserReference } from '../tests/e2e/decode/decode-reference.ts';

const now = () => performance.now();
let blob: Blob;

/** Fetches the photo the script serves; the timings read it from memory, as a chosen file. */
export async function load(): Promise<void> {
  blob = new Blob([await (await fetch('/photo')).arrayBuffer()]);
}

/** The canvas path step by step (drawn whole, whatever the canvas limit), ms per step. */
export async function steps(): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  let s = now();
  const step = (name: string) => { t[name] = now() - s; s = now(); };
  const bytes = new Uint8Array(await blob.arrayBuffer());
  step('arrayBuffer');
  const header = inspectImage(bytes);
  step('header');
  const bitmap = await createImageBitmap(blob.slice(0, blob.size, `image/${header.format}`), { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  step('createImageBitmap');
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  step('drawImage');
  ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  step('getImageData');
  bitmap.close();
  canvas.width = canvas.height = 0;
  step('close');
  return t;
}

/** One old and one new decode, in the order asked: ms each, and whether their bytes agree. */
export async function pair(newFirst: boolean) {
  const timed = async (f: typeof decodeInBrowser) => {
    const s = now();
    const image = await f(blob);
    return { ms: now() - s, image };
  };
  const a = newFirst ? await timed(decodeInBrowser) : await timed(decodeInBrowserReference);
  const b = newFirst ? await timed(decodeInBrowserReference) : await timed(decodeInBrowser);
  const [now_, old] = newFirst ? [a, b] : [b, a];
  const x = old.image.data, y = now_.image.data;
  let same = old.image.width === now_.image.width && old.image.height === now_.image.height && x.length === y.length;
  for (let i = 0; same && i < x.length; i++) same = x[i] === y[i];
  return { old: old.ms, now: now_.ms, same, width: old.image.width, height: old.image.height };
}

