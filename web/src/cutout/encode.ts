/**
 * Encode stage: RGBA pixels -> a PNG, WebP or JPEG file. In the browser (and its
 * workers) through OffscreenCanvas, except WebP where the canvas cannot make it
 * (WebKit answers a WebP request with a PNG): there a WASM build of libwebp
 * (@jsquash/webp, loaded only then) encodes it. Node uses sharp (scripts/lib/node-codec.ts).
 */
import { OUTPUT_FORMATS, type OutputFormat } from '../../../common/output-format.ts';
import { CANVAS_MAX_PIXELS } from './canvas-limit.ts';
import { ImageTooLargeError } from './errors.ts';
import type { RgbaImage } from './image.ts';
import { encodePng } from './png.ts';
import { withinTime } from './time-limit.ts';

/** Who encodes a format here: the browser's canvas, or a WASM encoder shipped with the app. */
export type Encoder = 'browser' | 'wasm';

export const MIME: Record<OutputFormat, string> = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' };

/** True for formats that keep transparency (JPEG has no alpha channel). */
export const keepsAlpha = (format: OutputFormat) => format !== 'jpeg';

/** Formats a WASM encoder makes where the browser cannot. */
const WASM_ENCODERS: ReadonlySet<OutputFormat> = new Set(['webp']);

const canvasAnswers = new Map<OutputFormat, Promise<boolean>>();

/**
 * Whether this browser's canvas encodes `format`: asked once with a 1×1 canvas, since a
 * browser that cannot answers with a PNG instead of failing.
 */
function canvasEncodes(format: OutputFormat): Promise<boolean> {
  let answer = canvasAnswers.get(format);
  if (!answer) {
    answer = (async () => {
      try {
        const canvas = new OffscreenCanvas(1, 1);
        canvas.getContext('2d');
        return (await withinTime(canvas.convertToBlob({ type: MIME[format] }), 5_000, 'asking the canvas')).type === MIME[format];
      } catch {
        return false;
      }
    })();
    canvasAnswers.set(format, answer);
  }
  return answer;
}

/** Who encodes `format` in this browser, or undefined when nothing here can. */
export async function encoderFor(format: OutputFormat): Promise<Encoder | undefined> {
  if (await canvasEncodes(format)) return 'browser';
  return WASM_ENCODERS.has(format) ? 'wasm' : undefined;
}

/** Who encodes each format in this browser (formats nothing can encode are left out). */
export async function encoders(): Promise<Partial<Record<OutputFormat, Encoder>>> {
  const out: Partial<Record<OutputFormat, Encoder>> = {};
  for (const format of OUTPUT_FORMATS) {
    const encoder = await encoderFor(format);
    if (encoder) out[format] = encoder;
  }
  return out;
}

/** The largest side a WebP file can have. */
const WEBP_MAX_SIDE = 16383;

/** Encodes WebP with libwebp compiled to WASM (its .wasm is bundled and precached, fetched from this origin only). */
async function encodeWebpWasm(image: RgbaImage, quality: number): Promise<Blob> {
  if (Math.max(image.width, image.height) > WEBP_MAX_SIDE) {
    throw new ImageTooLargeError(`WebP holds at most ${WEBP_MAX_SIDE} pixels a side, and this is ${image.width}×${image.height}. Choose PNG, or the standard size.`);
  }
  const { default: encode } = await import('@jsquash/webp/encode.js');
  const bytes = await encode({ data: image.data, width: image.width, height: image.height, colorSpace: 'srgb' } as ImageData, { quality: Math.round(quality * 100) });
  return new Blob([bytes], { type: MIME.webp });
}

/**
 * Encodes pixels with the browser's own encoders, or the WASM one where the browser has
 * none. An image over `canvasMaxPixels` never goes through a canvas: PNG is written by
 * png.ts, WebP by WASM, and JPEG (which has neither here) is refused with a way out.
 */
export async function encodeInBrowser(image: RgbaImage, format: OutputFormat, quality = 0.92, canvasMaxPixels = CANVAS_MAX_PIXELS): Promise<Blob> {
  if (image.width * image.height > canvasMaxPixels) {
    if (format === 'png') return encodePng(image);
    if (format === 'webp') return encodeWebpWasm(image, quality);
    throw new ImageTooLargeError(
      `At ${image.width}×${image.height} this is larger than this browser can make a JPEG of. Choose the standard size, or PNG or WebP.`,
    );
  }
  const encoder = await encoderFor(format);
  if (!encoder) throw new Error(`This browser cannot encode ${format.toUpperCase()}.`);
  if (encoder === 'wasm') return encodeWebpWasm(image, quality);
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot encode images from a canvas.');
  ctx.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: MIME[format], quality });
  if (blob.type !== MIME[format]) throw new Error(`This browser cannot encode ${format.toUpperCase()}.`);
  return blob;
}
