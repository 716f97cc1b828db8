/**
 * Separable resampling with a triangle (tent) filter: bilinear when enlarging, and
 * widened to cover every source pixel when shrinking, so a 24-megapixel photo brought
 * down to the network's 1024 pixels is averaged, not aliased. Every resizer of the engine
 * is here: RGBA to the network's input planes, RGBA to RGBA (exports, backgrounds, the
 * page's cutout), and a photo with its 8-bit matte (the matting's working size, the page's picture).
 */
import type { AlphaMatte, RgbaImage } from './image.ts';

/** For each output index: the first source index, how many taps, and their weights. */
export interface Taps {
  start: Int32Array;
  count: Int32Array;
  /** `stride` weights per output index, first `count[i]` used. */
  weights: Float32Array;
  stride: number;
}

/** Filter taps mapping `srcSize` samples onto `dstSize`, pixel centres aligned. */
export function tentTaps(srcSize: number, dstSize: number): Taps {
  const scale = srcSize / dstSize;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const weights = new Float32Array(dstSize * stride);
  for (let i = 0; i < dstSize; i++) {
    const center = (i + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(center - support));
    const hi = Math.min(srcSize - 1, Math.floor(center + support));
    let sum = 0;
    let n = 0;
    for (let s = lo; s <= hi && n < stride; s++, n++) {
      const w = Math.max(0, 1 - Math.abs(s - center) / support);
      weights[i * stride + n] = w;
      sum += w;
    }
    if (sum === 0) {
      // Only at the very edge: take the nearest sample.
      const nearest = Math.min(srcSize - 1, Math.max(0, Math.round(center)));
      start[i] = nearest;
      count[i] = 1;
      weights[i * stride] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k] /= sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

/**
 * The horizontal pass of a separable resize, kept to the source rows the current output row
 * needs: a ring of `ty.stride` rows (the vertical filter's widest reach), `width` floats each,
 * instead of the whole `dw`×`sh` intermediate (9 rows rather than tens of megabytes for a
 * 24-megapixel photo). `filterRow(y, ring, base)` writes source row `y` filtered into `ring`
 * from `base`. Output rows go down the photo, so each source row is filtered once, and the
 * sums are the same, in the same order, as with the whole intermediate.
 */
function rowRing(ty: Taps, width: number, filterRow: (y: number, ring: Float32Array, base: number) => void) {
  const rows = ty.stride;
  const ring = new Float32Array(width * rows);
  const filtered = new Int32Array(rows).fill(-1); // which source row each slot holds
  /** For the current output row: where each of its source rows is in `ring`. */
  const bases = new Int32Array(rows);
  /** Filters output row `y`'s source rows that are not in the ring yet; their offsets go to `bases[0..count)`. */
  const rowsFor = (y: number): void => {
    for (let k = 0, src = ty.start[y]; k < ty.count[y]; k++, src++) {
      const slot = src % rows;
      const base = slot * width;
      if (filtered[slot] !== src) {
        filtered[slot] = src;
        filterRow(src, ring, base);
      }
      bases[k] = base;
    }
  };
  return { ring, bases, rowsFor };
}

/**
 * The same taps packed for the horizontal passes: output `x` takes source samples from
 * `first[x]` with the weights `weights[bounds[x]..bounds[x + 1])`, no stride between them,
 * as float64 holding the same float32 values (so the sums do not change, and no conversion
 * happens per tap).
 */
interface PackedTaps {
  first: Int32Array;
  bounds: Int32Array;
  weights: Float64Array;
}

function packTaps(t: Taps): PackedTaps {
  const n = t.start.length;
  const bounds = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) bounds[i + 1] = bounds[i] + t.count[i];
  const weights = new Float64Array(bounds[n]);
  for (let i = 0; i < n; i++) for (let k = 0; k < t.count[i]; k++) weights[bounds[i] + k] = t.weights[i * t.stride + k];
  return { first: t.start, bounds, weights };
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * The RGBA pixels as one 32-bit word each (red in the low byte), so a tap reads a pixel once
 * instead of each byte. A view where the bytes allow it (little-endian, 4-byte aligned, as
 * ImageData's are), else a copy.
 */
function pixelWords(data: Uint8ClampedArray | Uint8Array): Int32Array {
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, data.length >> 2);
  const words = new Int32Array(data.length >> 2);
  for (let i = 0, p = 0; i < words.length; i++, p += 4) words[i] = data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24);
  return words;
}

/** The horizontal pass of one RGBA row (pixels from `row`) into RGB floats at `ring[base..]`. */
function filterRgb(px: Int32Array, row: number, dw: number, first: Int32Array, bounds: Int32Array, weights: Float64Array, ring: Float32Array, base: number): void {
  for (let x = 0, k = 0, t = base; x < dw; x++, t += 3) {
    const end = bounds[x + 1];
    let r = 0, g = 0, b = 0;
    for (let i = row + first[x]; k < end; k++, i++) {
      const w = weights[k], p = px[i];
      r += (p & 255) * w;
      g += ((p >> 8) & 255) * w;
      b += ((p >> 16) & 255) * w;
    }
    ring[t] = r;
    ring[t + 1] = g;
    ring[t + 2] = b;
  }
}

/** Per channel, what the network's input takes off a value in [0, 1] and then multiplies it by. */
export interface Normalisation {
  mean: readonly [number, number, number];
  scale: readonly [number, number, number];
}

/**
 * Resizes the RGB channels of 8-bit RGBA pixels to `dw`×`dh` planar floats in [0, 1]
 * (`guide[c * dw * dh + y * dw + x]`, the refinement's guide) and, in the same pass, the
 * network's input made of it: `(guide - mean[c]) * scale[c]` from each float32 guide value,
 * as a second loop over the guide would give it, without reading the guide back (9.6 MB at
 * 896²). Source rows pass through a ring (rowRing), not a whole `dw`×`sh` intermediate
 * (49 MB for a 24-megapixel photo).
 */
export function resizeRgbaToInput(data: Uint8ClampedArray, sw: number, sh: number, dw: number, dh: number, normalisation: Normalisation): { guide: Float32Array; tensor: Float32Array } {
  const tx = packTaps(tentTaps(sw, dw));
  const ty = tentTaps(sh, dh);
  const px = pixelWords(data);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 3, (y, ring, base) => filterRgb(px, y * sw, dw, tx.first, tx.bounds, tx.weights, ring, base));
  const plane = dw * dh;
  const guide = new Float32Array(plane * 3);
  const tensor = new Float32Array(plane * 3);
  const w = new Float64Array(ty.stride);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y];
    for (let k = 0; k < n; k++) w[k] = ty.weights[y * ty.stride + k];
    planesRow(ring, bases, w, n, dw, guide, tensor, y * dw, plane, normalisation);
  }
  return { guide, tensor };
}

/**
 * One output row of resizeRgbaToInput's vertical pass, from `n` filtered rows at `bases` with
 * weights `w`: the guide, and the network's input of each value from its float32 rounding (what the guide holds).
 */
function planesRow(ring: Float32Array, bases: Int32Array, w: Float64Array, n: number, dw: number, guide: Float32Array, tensor: Float32Array, o: number, plane: number, normalisation: Normalisation): void {
  const inv = 1 / 255;
  const f32 = Math.fround;
  const [m0, m1, m2] = normalisation.mean, [s0, s1, s2] = normalisation.scale;
  const o1 = plane + o, o2 = 2 * plane + o;
  if (n === 2) {
    // Enlarging: two rows each (the same sums as the loop below: 0 + p equals p).
    const w0 = w[0], w1 = w[1], b0 = bases[0], b1 = bases[1];
    for (let x = 0, t = 0; x < dw; x++, t += 3) {
      const r = f32((ring[b0 + t] * w0 + ring[b1 + t] * w1) * inv);
      const g = f32((ring[b0 + t + 1] * w0 + ring[b1 + t + 1] * w1) * inv);
      const b = f32((ring[b0 + t + 2] * w0 + ring[b1 + t + 2] * w1) * inv);
      guide[o + x] = r;
      guide[o1 + x] = g;
      guide[o2 + x] = b;
      tensor[o + x] = (r - m0) * s0;
      tensor[o1 + x] = (g - m1) * s1;
      tensor[o2 + x] = (b - m2) * s2;
    }
    return;
  }
  for (let x = 0; x < dw; x++) {
    let r = 0, g = 0, b = 0;
    for (let k = 0; k < n; k++) {
      const wk = w[k];
      const t = bases[k] + x * 3;
      r += ring[t] * wk;
      g += ring[t + 1] * wk;
      b += ring[t + 2] * wk;
    }
    r = f32(r * inv);
    g = f32(g * inv);
    b = f32(b * inv);
    guide[o + x] = r;
    guide[o1 + x] = g;
    guide[o2 + x] = b;
    tensor[o + x] = (r - m0) * s0;
    tensor[o1 + x] = (g - m1) * s1;
    tensor[o2 + x] = (b - m2) * s2;
  }
}

/**
 * Resizes RGBA pixels with the tent filter. With `premultiplied` (for pixels with
 * transparency) colours are weighted by their alpha while filtering, so transparent
 * neighbours do not darken the edges; otherwise alpha is filtered like the colours.
 * Source rows pass through a ring (rowRing), not a whole `dw`×`sh` intermediate (131 MB for
 * a 24-megapixel photo brought down to 2048 pixels).
 */
export function resizeRgba(image: RgbaImage, dw: number, dh: number, premultiplied = true): RgbaImage {
  const { width: sw, height: sh, data } = image;
  if (sw === dw && sh === dh) return image;
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 4, (y, ring, base) => {
    const row = y * sw * 4;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const p = row + (s0 + k) * 4;
        const w = tx.weights[wo + k];
        const wa = premultiplied ? (w * data[p + 3]) / 255 : w;
        r += data[p] * wa;
        g += data[p + 1] * wa;
        b += data[p + 2] * wa;
        a += data[p + 3] * w;
      }
      const t = base + x * 4;
      ring[t] = r;
      ring[t + 1] = g;
      ring[t + 2] = b;
      ring[t + 3] = a;
    }
  });
  const out = new Uint8ClampedArray(dw * dh * 4);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = bases[k] + x * 4;
        r += ring[t] * w;
        g += ring[t + 1] * w;
        b += ring[t + 2] * w;
        a += ring[t + 3] * w;
      }
      const o = (y * dw + x) * 4;
      // Back to straight alpha: divide the weighted colour by the weight of alpha.
      const k = premultiplied ? (a > 0 ? 255 / a : 0) : 1;
      out[o] = r * k;
      out[o + 1] = g * k;
      out[o + 2] = b * k;
      out[o + 3] = a;
    }
  }
  return { width: dw, height: dh, data: out };
}

/** Each matte level as a float in [0, 1], rounded to float32 as a Float32Array holds it (kept as float64: the same values). */
const LEVELS = Float64Array.from(Float32Array.from({ length: 256 }, (_, v) => v / 255));

/**
 * A photo and its matte brought to `dw`×`dh` in one pass over the photo (the matting's
 * working size): the colours exactly as resizeRgba(image, dw, dh, false) gives them, alpha
 * left at 255 (unused), and the matte in [0, 1] as float32 resized as a float plane (two
 * passes, the same float32 rounding after each vertical step), rounded to bytes as it is
 * made (v ≤ 0: 0, v ≥ 1: 255, else ⌊255v + 0.5⌋): neither a float copy of the photo-size
 * matte (96 MB at 24 megapixels) nor a float32 plane of the working size is stored. Source
 * rows pass through a ring (rowRing).
 */
export function resizeRgbAndMatteBytes(image: RgbaImage, matte: AlphaMatte, dw: number, dh: number): { image: RgbaImage; matte: Uint8Array } {
  const { width: sw, height: sh } = image;
  const m = matte.data;
  const tx = packTaps(tentTaps(sw, dw));
  const ty = tentTaps(sh, dh);
  const px = pixelWords(image.data);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 4, (y, ring, base) => filterRgbLevel(px, m, y * sw, dw, tx.first, tx.bounds, tx.weights, ring, base));
  const out = new Uint8ClampedArray(dw * dh * 4);
  const alpha = new Uint8Array(dw * dh);
  const w = new Float64Array(ty.stride);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y];
    for (let k = 0; k < n; k++) w[k] = ty.weights[y * ty.stride + k];
    rgbByteRow(ring, bases, w, n, dw, out, alpha, y * dw);
  }
  return { image: { width: dw, height: dh, data: out }, matte: alpha };
}

/** resizeRgbAndMatteBytes's horizontal pass of one row: RGB and the matte's level, 4 floats a pixel. */
function filterRgbLevel(px: Int32Array, m: Uint8Array, row: number, dw: number, first: Int32Array, bounds: Int32Array, weights: Float64Array, ring: Float32Array, base: number): void {
  for (let x = 0, k = 0, t = base; x < dw; x++, t += 4) {
    const end = bounds[x + 1];
    let r = 0, g = 0, b = 0, a = 0;
    for (let i = row + first[x]; k < end; k++, i++) {
      const w = weights[k], p = px[i];
      r += (p & 255) * w;
      g += ((p >> 8) & 255) * w;
      b += ((p >> 16) & 255) * w;
      a += LEVELS[m[i]] * w;
    }
    ring[t] = r;
    ring[t + 1] = g;
    ring[t + 2] = b;
    ring[t + 3] = a;
  }
}

/** resizeRgbAndMatteBytes's vertical pass of one output row, starting at pixel `o`. */
function rgbByteRow(ring: Float32Array, bases: Int32Array, w: Float64Array, n: number, dw: number, out: Uint8ClampedArray, alpha: Uint8Array, o: number): void {
  const f32 = Math.fround;
  for (let x = 0; x < dw; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let k = 0; k < n; k++) {
      const wk = w[k];
      const t = bases[k] + x * 4;
      r += ring[t] * wk;
      g += ring[t + 1] * wk;
      b += ring[t + 2] * wk;
      // A float plane's vertical pass adds each step into a Float32Array: rounded to float32 every time.
      a = f32(a + ring[t + 3] * wk);
    }
    const q = (o + x) * 4;
    out[q] = r;
    out[q + 1] = g;
    out[q + 2] = b;
    out[q + 3] = 255;
    alpha[o + x] = a <= 0 ? 0 : a >= 1 ? 255 : (a * 255 + 0.5) | 0;
  }
}

/**
 * A photo and its matte brought to `dw`×`dh` in one pass over the photo (the page's picture
 * of a large photo, display.ts): exactly resizeRgba(image, dw, dh, false), and the matte
 * with the tent filter rounded to the nearest level (the alpha resizeRgba gives an opaque
 * photo's cutout composed with it), with the taps and the ring of rows shared.
 */
export function resizeRgbaWithMatte(image: RgbaImage, matte: AlphaMatte, dw: number, dh: number): { image: RgbaImage; matte: AlphaMatte } {
  const { width: sw, height: sh } = image;
  const m = matte.data;
  const tx = packTaps(tentTaps(sw, dw));
  const ty = tentTaps(sh, dh);
  const px = pixelWords(image.data);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 5, (y, ring, base) => filterRgbaMatte(px, m, y * sw, dw, tx.first, tx.bounds, tx.weights, ring, base));
  const out = new Uint8ClampedArray(dw * dh * 4);
  // Uint8ClampedArray rounds on assignment (Uint8Array would truncate and wrap).
  const alpha = new Uint8ClampedArray(dw * dh);
  const w = new Float64Array(ty.stride);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y];
    for (let k = 0; k < n; k++) w[k] = ty.weights[y * ty.stride + k];
    rgbaMatteRow(ring, bases, w, n, dw, out, alpha, y * dw);
  }
  return { image: { width: dw, height: dh, data: out }, matte: { width: dw, height: dh, data: new Uint8Array(alpha.buffer) } };
}

/** resizeRgbaWithMatte's horizontal pass of one row: RGBA and the matte, 5 floats a pixel. */
function filterRgbaMatte(px: Int32Array, m: Uint8Array, row: number, dw: number, first: Int32Array, bounds: Int32Array, weights: Float64Array, ring: Float32Array, base: number): void {
  for (let x = 0, k = 0, t = base; x < dw; x++, t += 5) {
    const end = bounds[x + 1];
    let r = 0, g = 0, b = 0, a = 0, v = 0;
    for (let i = row + first[x]; k < end; k++, i++) {
      const w = weights[k], p = px[i];
      r += (p & 255) * w;
      g += ((p >> 8) & 255) * w;
      b += ((p >> 16) & 255) * w;
      a += (p >>> 24) * w;
      v += m[i] * w;
    }
    ring[t] = r;
    ring[t + 1] = g;
    ring[t + 2] = b;
    ring[t + 3] = a;
    ring[t + 4] = v;
  }
}

/** resizeRgbaWithMatte's vertical pass of one output row, starting at pixel `o`. */
function rgbaMatteRow(ring: Float32Array, bases: Int32Array, w: Float64Array, n: number, dw: number, out: Uint8ClampedArray, alpha: Uint8ClampedArray, o: number): void {
  for (let x = 0; x < dw; x++) {
    let r = 0, g = 0, b = 0, a = 0, v = 0;
    for (let k = 0; k < n; k++) {
      const wk = w[k];
      const t = bases[k] + x * 5;
      r += ring[t] * wk;
      g += ring[t + 1] * wk;
      b += ring[t + 2] * wk;
      a += ring[t + 3] * wk;
      v += ring[t + 4] * wk;
    }
    const q = (o + x) * 4;
    out[q] = r;
    out[q + 1] = g;
    out[q + 2] = b;
    out[q + 3] = a;
    alpha[o + x] = v;
  }
}
