/**
 * The foreground estimation's photo-sized level, on the edge band alone (foreground.ts):
 * only pixels whose alpha is strictly between 0 and 1 have colours to estimate: a few
 * percent of a sharp photo, a third of the soft upscaled one the bench cuts. The band is
 * solved at a working size of at most `maxBandSide` pixels a side; a photo larger than that
 * gets one Gauss–Seidel sweep of its own edge pixels from there, so time follows the band
 * (never the photo) and memory stays bounded for any size. On the dev photos scaled to
 * stand for 24 MP ones this is as good as sweeping the band twice at the photo's size,
 * at a third of the time (scripts/tune-foreground.ts).
 */
import { sweepOnly, writeSolution, type ForegroundOptions, type Level } from './foreground-level.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';

const INV_255 = 1 / 255;

/** A list of pixel indices that grows as it is written: one pass, no boxed numbers. */
class IndexList {
  #data = new Int32Array(1024);
  #length = 0;

  push(i: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Int32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = i;
  }

  /** The indices pushed, in an array of their own length. */
  indices(): Int32Array {
    return this.#data.slice(0, this.#length);
  }
}

/** Indices of the pixels of `alpha` strictly between 0 and 255, in increasing order. */
export function semiTransparent(alpha: Uint8Array): Int32Array {
  // Four pixels at a time where the bytes are aligned for it: most of a photo's matte is
  // runs of 0 or 255, which this skips a word at a time.
  const words = alpha.byteOffset % 4 === 0 ? new Uint32Array(alpha.buffer, alpha.byteOffset, alpha.length >> 2) : new Uint32Array(0);
  const band = new IndexList();
  const list = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (alpha[i] !== 0 && alpha[i] !== 255) band.push(i);
  };
  for (let wi = 0; wi < words.length; wi++) {
    const v = words[wi];
    if (v !== 0 && v !== 0xffffffff) list(wi * 4, wi * 4 + 4);
  }
  list(words.length * 4, alpha.length);
  return band.indices();
}

/**
 * Sweeps a level on its semi-transparent pixels only. Around them the colours are known
 * from the photo, F where the level is opaque and B where it is clear; the other one keeps
 * the coarser level's answer that the level was made with. Returns the pixels swept.
 */
export function sweepLevelBand(level: Level, iterations: number, o: ForegroundOptions): Int32Array {
  const { alpha, image, F, B } = level;
  const band = new IndexList();
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i], at = i * 3;
    if (a === 1) {
      F[at] = image[at]; F[at + 1] = image[at + 1]; F[at + 2] = image[at + 2];
    } else if (a === 0) {
      B[at] = image[at]; B[at + 1] = image[at + 1]; B[at + 2] = image[at + 2];
    } else {
      band.push(i);
    }
  }
  const only = band.indices();
  sweepOnly(level, iterations, o, only);
  return only;
}

/** For each of `n` samples over `src` (pixel centres aligned): the two source indices and the second one's weight. */
function linearAxis(src: number, n: number): [Int32Array, Int32Array, Float64Array] {
  const lo = new Int32Array(n), hi = new Int32Array(n), t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.min(src - 1, Math.max(0, ((i + 0.5) * src) / n - 0.5));
    lo[i] = Math.floor(u);
    hi[i] = Math.min(src - 1, lo[i] + 1);
    t[i] = u - lo[i];
  }
  return [lo, hi, t];
}

/**
 * The photo's own edge pixels (`band`, from semiTransparent) by one Gauss–Seidel sweep in
 * reading order, starting from `level` (the band solved at a smaller size, sampled
 * bilinearly): each pixel's system takes its left and upper neighbours as just solved (two
 * rows kept), its right and lower ones at the level's colours, and a neighbour opaque or
 * clear in the photo with its own colour as F or B. Memory: the answer and two rows, for
 * any size of photo. Returns F as RGB bytes, 3 per pixel.
 */
export function fitBandFromLevel(image: RgbaImage, alpha: AlphaMatte, band: Int32Array, level: Level, o: ForegroundOptions): Uint8ClampedArray {
  const { width: w, height: h, data: px } = image;
  const a8 = alpha.data;
  const [x0, x1, wx] = linearAxis(level.w, w), [y0, y1, wy] = linearAxis(level.h, h);
  const { F: LF, B: LB, w: lw } = level;
  const eps = o.regularization, gw = o.gradientWeight;
  const rgb = new Uint8ClampedArray(band.length * 3);
  // F and B (3 each) of this row's solved pixels and the row above's, by x.
  let rowF = new Float32Array(w * 3), rowB = new Float32Array(w * 3);
  let aboveF = new Float32Array(w * 3), aboveB = new Float32Array(w * 3);
  let y = -1, row = 0, rowEnd = 0;
  for (let k = 0; k < band.length; k++) {
    const i = band[k];
    if (i >= rowEnd) {
      y = Math.floor(i / w);
      row = y * w;
      rowEnd = row + w;
      [rowF, aboveF] = [aboveF, rowF];
      [rowB, aboveB] = [aboveB, rowB];
    }
    const x = i - row, p = i * 4;
    // The level's F and B at this pixel, bilinear: the start for what is not solved yet.
    const l00 = (y0[y] * lw + x0[x]) * 3, l01 = (y0[y] * lw + x1[x]) * 3, l10 = (y1[y] * lw + x0[x]) * 3, l11 = (y1[y] * lw + x1[x]) * 3;
    const tx = wx[x], ty = wy[y];
    const w00 = (1 - tx) * (1 - ty), w01 = tx * (1 - ty), w10 = (1 - tx) * ty, w11 = tx * ty;
    const LF0 = w00 * LF[l00] + w01 * LF[l01] + w10 * LF[l10] + w11 * LF[l11];
    const LF1 = w00 * LF[l00 + 1] + w01 * LF[l01 + 1] + w10 * LF[l10 + 1] + w11 * LF[l11 + 1];
    const LF2 = w00 * LF[l00 + 2] + w01 * LF[l01 + 2] + w10 * LF[l10 + 2] + w11 * LF[l11 + 2];
    const LB0 = w00 * LB[l00] + w01 * LB[l01] + w10 * LB[l10] + w11 * LB[l11];
    const LB1 = w00 * LB[l00 + 1] + w01 * LB[l01 + 1] + w10 * LB[l10 + 1] + w11 * LB[l11 + 1];
    const LB2 = w00 * LB[l00 + 2] + w01 * LB[l01 + 2] + w10 * LB[l10 + 2] + w11 * LB[l11 + 2];
    const a0 = a8[i] * INV_255, a1 = 1 - a0;
    const I0 = px[p] * INV_255, I1 = px[p + 1] * INV_255, I2 = px[p + 2] * INV_255;
    let a00 = a0 * a0, a11 = a1 * a1;
    const a01 = a0 * a1;
    let f0 = a0 * I0, f1 = a0 * I1, f2 = a0 * I2;
    let b0 = a1 * I0, b1 = a1 * I1, b2 = a1 * I2;
    for (let d = 0; d < 4; d++) {
      // Left, right, above, below; at the border a pixel is its own neighbour (not solved yet).
      const inside = d === 0 ? x > 0 : d === 1 ? x < w - 1 : d === 2 ? y > 0 : y < h - 1;
      const q = !inside ? i : d === 0 ? i - 1 : d === 1 ? i + 1 : d === 2 ? i - w : i + w;
      const aq = a8[q];
      const da = eps + gw * Math.abs(a0 - aq * INV_255);
      a00 += da;
      a11 += da;
      if (aq === 255 || aq === 0) {
        // Outside the band: its own colour is F (opaque) or B (clear); the other from the level.
        const s0 = px[q * 4] * INV_255, s1 = px[q * 4 + 1] * INV_255, s2 = px[q * 4 + 2] * INV_255;
        if (aq === 255) {
          f0 += da * s0; f1 += da * s1; f2 += da * s2;
          b0 += da * LB0; b1 += da * LB1; b2 += da * LB2;
        } else {
          f0 += da * LF0; f1 += da * LF1; f2 += da * LF2;
          b0 += da * s0; b1 += da * s1; b2 += da * s2;
        }
      } else if (inside && (d === 0 || d === 2)) {
        // Solved earlier in this sweep: this row's pixel to the left, or the one above.
        const rf = d === 0 ? rowF : aboveF, rb = d === 0 ? rowB : aboveB, at = (d === 0 ? x - 1 : x) * 3;
        f0 += da * rf[at]; f1 += da * rf[at + 1]; f2 += da * rf[at + 2];
        b0 += da * rb[at]; b1 += da * rb[at + 1]; b2 += da * rb[at + 2];
      } else {
        f0 += da * LF0; f1 += da * LF1; f2 += da * LF2;
        b0 += da * LB0; b1 += da * LB1; b2 += da * LB2;
      }
    }
    writeSolution(a00, a11, a01, f0, f1, f2, b0, b1, b2, rowF, rowB, x * 3);
    rgb[k * 3] = rowF[x * 3] * 255;
    rgb[k * 3 + 1] = rowF[x * 3 + 1] * 255;
    rgb[k * 3 + 2] = rowF[x * 3 + 2] * 255;
  }
  return rgb;
}
