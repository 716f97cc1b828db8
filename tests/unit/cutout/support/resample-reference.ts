/**
 * web/src/cutout/resample.ts as it was before its resizers were tuned for speed (main at
 * 52f86b8), kept verbatim below this comment (only the import path changed) as the
 * specification of their output bits: resample-reference.test.ts compares the tuned
 * resizers with these bit for bit, and scripts/time-resample.ts times them against these.
 */
/**
 * Separable resampling with a triangle (tent) filter: bilinear when enlarging, and
 * widened to cover every source pixel when shrinking, so a 24-megapixel photo brought
 * down to the network's 1024 pixels is averaged, not aliased. Every resizer of the engine
 * is here: float planes (the network's map), RGBA to the network's input planes, and
 * RGBA to RGBA (exports, backgrounds, the page's cutout) and 8-bit mattes.
 */
import type { AlphaMatte, RgbaImage } from '../../../../web/src/cutout/image.ts';

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

/** Resizes one float plane (row-major `sw`×`sh`) to `dw`×`dh`. */
export function resizePlane(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const tmp = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += src[row + s0 + k] * tx.weights[wo + k];
      tmp[y * dw + x] = acc;
    }
  }
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y], n = ty.count[y], wo = y * ty.stride;
    const o = y * dw;
    for (let k = 0; k < n; k++) {
      const w = ty.weights[wo + k];
      const r = (s0 + k) * dw;
      for (let x = 0; x < dw; x++) out[o + x] += tmp[r + x] * w;
    }
  }
  return out;
}

/**
 * Resizes the RGB channels of 8-bit RGBA pixels to `dw`×`dh` planar floats in [0, 1]
 * (`out[c * dw * dh + y * dw + x]`), the layout the network takes.
 * Source rows pass through a ring (rowRing), not a whole `dw`×`sh` intermediate (49 MB for a
 * 24-megapixel photo).
 */
export function resizeRgbaToPlanes(data: Uint8ClampedArray, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 3, (y, ring, base) => {
    const row = y * sw * 4;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = tx.weights[wo + k];
        const p = row + (s0 + k) * 4;
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
      }
      const t = base + x * 3;
      ring[t] = r;
      ring[t + 1] = g;
      ring[t + 2] = b;
    }
  });
  const plane = dw * dh;
  const out = new Float32Array(plane * 3);
  const inv = 1 / 255;
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = bases[k] + x * 3;
        r += ring[t] * w;
        g += ring[t + 1] * w;
        b += ring[t + 2] * w;
      }
      const o = y * dw + x;
      out[o] = r * inv;
      out[plane + o] = g * inv;
      out[2 * plane + o] = b * inv;
    }
  }
  return out;
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

/**
 * Resizes an 8-bit matte with the tent filter, rounding to the nearest level: the same
 * alpha resizeRgba gives an opaque photo's cutout composed with this matte. Source rows
 * pass through a ring (rowRing).
 */
export function resizeMatte(matte: AlphaMatte, dw: number, dh: number): AlphaMatte {
  const { width: sw, height: sh, data } = matte;
  if (sw === dw && sh === dh) return matte;
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const { ring, bases, rowsFor } = rowRing(ty, dw, (y, ring, base) => {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let a = 0;
      for (let k = 0; k < n; k++) a += data[row + s0 + k] * tx.weights[wo + k];
      ring[base + x] = a;
    }
  });
  // Uint8ClampedArray rounds on assignment (Uint8Array would truncate and wrap).
  const out = new Uint8ClampedArray(dw * dh);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let a = 0;
      for (let k = 0; k < n; k++) a += ring[bases[k] + x] * ty.weights[wo + k];
      out[y * dw + x] = a;
    }
  }
  return { width: dw, height: dh, data: new Uint8Array(out.buffer) };
}

/** Each matte level as a float in [0, 1], rounded to float32 as a Float32Array holds it. */
const LEVELS = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * A photo and its matte brought to `dw`×`dh` in one pass over the photo (the matting's
 * working size): the colours exactly as resizeRgba(image, dw, dh, false) gives them, alpha
 * left at 255 (unused), and the matte as resizePlane gives it of the matte in [0, 1] as
 * float32 (the same float32 rounding after each vertical step), without the float copy of
 * the photo-size matte that needs (96 MB at 24 megapixels). Source rows pass through a ring (rowRing).
 */
export function resizeRgbAndMatte(image: RgbaImage, matte: AlphaMatte, dw: number, dh: number): { image: RgbaImage; matte: Float32Array } {
  const { width: sw, height: sh, data } = image;
  const m = matte.data;
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 4, (y, ring, base) => {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < n; k++) {
        const i = row + s0 + k, p = i * 4;
        const w = tx.weights[wo + k];
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
        a += LEVELS[m[i]] * w;
      }
      const t = base + x * 4;
      ring[t] = r;
      ring[t + 1] = g;
      ring[t + 2] = b;
      ring[t + 3] = a;
    }
  });
  const out = new Uint8ClampedArray(dw * dh * 4);
  const alpha = new Float32Array(dw * dh);
  const f32 = Math.fround;
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
        // resizePlane adds each step into a Float32Array: rounded to float32 every time.
        a = f32(a + ring[t + 3] * w);
      }
      const o = y * dw + x;
      out[o * 4] = r;
      out[o * 4 + 1] = g;
      out[o * 4 + 2] = b;
      out[o * 4 + 3] = 255;
      alpha[o] = a;
    }
  }
  return { image: { width: dw, height: dh, data: out }, matte: alpha };
}

/**
 * A photo and its matte brought to `dw`×`dh` in one pass over the photo (the page's picture
 * of a large photo, display.ts): exactly resizeRgba(image, dw, dh, false) and
 * resizeMatte(matte, dw, dh), with the taps and the ring of rows shared.
 */
export function resizeRgbaWithMatte(image: RgbaImage, matte: AlphaMatte, dw: number, dh: number): { image: RgbaImage; matte: AlphaMatte } {
  const { width: sw, height: sh, data } = image;
  const m = matte.data;
  const tx = tentTaps(sw, dw);
  const ty = tentTaps(sh, dh);
  const { ring, bases, rowsFor } = rowRing(ty, dw * 5, (y, ring, base) => {
    const row = y * sw;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x], n = tx.count[x], wo = x * tx.stride;
      let r = 0, g = 0, b = 0, a = 0, v = 0;
      for (let k = 0; k < n; k++) {
        const i = row + s0 + k, p = i * 4;
        const w = tx.weights[wo + k];
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
        a += data[p + 3] * w;
        v += m[i] * w;
      }
      const t = base + x * 5;
      ring[t] = r;
      ring[t + 1] = g;
      ring[t + 2] = b;
      ring[t + 3] = a;
      ring[t + 4] = v;
    }
  });
  const out = new Uint8ClampedArray(dw * dh * 4);
  // Uint8ClampedArray rounds on assignment, as resizeMatte's does.
  const alpha = new Uint8ClampedArray(dw * dh);
  for (let y = 0; y < dh; y++) {
    rowsFor(y);
    const n = ty.count[y], wo = y * ty.stride;
    for (let x = 0; x < dw; x++) {
      let r = 0, g = 0, b = 0, a = 0, v = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = bases[k] + x * 5;
        r += ring[t] * w;
        g += ring[t + 1] * w;
        b += ring[t + 2] * w;
        a += ring[t + 3] * w;
        v += ring[t + 4] * w;
      }
      const o = y * dw + x;
      out[o * 4] = r;
      out[o * 4 + 1] = g;
      out[o * 4 + 2] = b;
      out[o * 4 + 3] = a;
      alpha[o] = v;
    }
  }
  return { image: { width: dw, height: dh, data: out }, matte: { width: dw, height: dh, data: new Uint8Array(alpha.buffer) } };
}
