/**
 * Box filters over a w×h plane, clamped at the borders: the mean (as a stream of rows, for
 * the guided filter in refine.ts, which chains 17 of them) and the lowest or highest value
 * (for mask-cleanup.ts). The means' roundings are the ones the guided
 * filter has always had, so its output does not move by a bit (tests/unit/cutout/refine.test.ts).
 */

/** 1 / (the number of taps of a radius-r window inside [0, n)) at each position, in Float32 as the means have always been scaled. */
function inverseCounts(n: number, r: number): Float32Array {
  const inv = new Float32Array(n);
  for (let i = 0; i < n; i++) inv[i] = 1 / (Math.min(n - 1, i + r) - Math.max(0, i - r) + 1);
  return inv;
}

/**
 * A box mean of `count` planes at once, fed one row at a time: the caller writes row t of
 * plane q to `row` from `at(q)` (w values) and calls `push()`; `emit(y, sums, k)` is called
 * as soon as output row y is known, with that row's column sums of every plane (plane q from
 * q·w) and the factor k that makes them means, each stored to (or rounded as) a Float32 as
 * the old separate planes were. Only the 2r + 2 horizontally filtered rows the window still needs are kept, so a chain of
 * box means needs no full-size planes between its steps and each row is used while in cache.
 */
export function boxMeanStream(w: number, h: number, r: number, count: number, emit: (y: number, sums: Float64Array, k: number) => void) {
  const invX = inverseCounts(w, r), invY = inverseCounts(h, r);
  // Each plane's row has r + 1 zeros before it and r after, so the horizontal running sum
  // needs no tests at the borders; see boxRow for why the zeros change no bit.
  const left = r + 1, stride = w + 2 * r + 1;
  const row = new Float32Array(count * stride);
  const slots = 2 * r + 2, size = count * w;
  const ring = new Float32Array(slots * size), zeros = new Float32Array(size), sums = new Float64Array(size);
  let t = 0;
  const push = () => {
    // Row t completes output row y = t - r, whose window loses row t - 2r - 1.
    const y = t - r, lo = y - r - 1;
    const o = (t % slots) * size, old = lo >= 0 ? ring : zeros, at = lo >= 0 ? (lo % slots) * size : 0;
    let q = 0;
    // Four or five planes at a time: their running sums are independent chains of additions
    // that the processor can overlap, where one plane's chain would wait on each addition.
    for (; q + 4 <= count && count - q !== 5; q += 4) boxRow4(row, q * stride + left, stride, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    if (count - q === 5) boxRow5(row, q * stride + left, stride, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    else for (; q < count; q++) boxRow(row, q * stride + left, w, r, invX, ring, o + q * w, old, at + q * w, sums, q * w);
    if (y >= 0) emit(y, sums, invY[y]);
    if (++t < h) return;
    // The last r output rows: nothing enters their windows any more.
    for (let y = Math.max(0, h - r); y < h; y++) {
      const lo = y - r - 1;
      if (lo >= 0) for (let i = 0, o = (lo % slots) * size; i < size; i++) sums[i] -= ring[o + i];
      emit(y, sums, invY[y]);
    }
  };
  return { row, at: (q: number) => q * stride + left, push };
}

/**
 * One row of one plane through both passes of a box mean: the horizontal sum of `src`
 * around `s` (zero-padded) is scaled and stored in the ring at `o`, added to the column sums
 * from `c`, and the row `old` at `at` (the one leaving the window, or zeros) taken off them.
 */
function boxRow(
  src: Float32Array, s: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  // The running sums are doubles, added to before they are subtracted from, and rounded to
  // Float32 where each pass used to store its own plane: the arithmetic the box means have
  // always had, which their last bits depend on. Adding or subtracting the padding's +0
  // changes no sum: a sum that starts at +0 is never -0, and x + 0 = x - 0 = x for any other x.
  let acc = 0;
  for (let j = s; j < s + r; j++) acc += src[j];
  for (let x = 0; x < w; x++) {
    acc += src[s + x + r];
    acc -= src[s + x - r - 1];
    const v = Math.fround(acc * invX[x]);
    ring[o + x] = v;
    const sum = sums[c + x] + v - old[at + x];
    sums[c + x] = sum;
  }
}

/** boxRow for four planes, `stride` apart in `src` and w apart in the ring and the sums: the same arithmetic for each. */
function boxRow4(
  src: Float32Array, s: number, stride: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  const s1 = s + stride, s2 = s1 + stride, s3 = s2 + stride;
  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  for (let j = 0; j < r; j++) {
    acc0 += src[s + j];
    acc1 += src[s1 + j];
    acc2 += src[s2 + j];
    acc3 += src[s3 + j];
  }
  const back = r + 1;
  for (let x = 0; x < w; x++) {
    acc0 += src[s + x + r];
    acc0 -= src[s + x - back];
    acc1 += src[s1 + x + r];
    acc1 -= src[s1 + x - back];
    acc2 += src[s2 + x + r];
    acc2 -= src[s2 + x - back];
    acc3 += src[s3 + x + r];
    acc3 -= src[s3 + x - back];
    const f = invX[x];
    const v0 = Math.fround(acc0 * f), v1 = Math.fround(acc1 * f), v2 = Math.fround(acc2 * f), v3 = Math.fround(acc3 * f);
    const i0 = x, i1 = x + w, i2 = i1 + w, i3 = i2 + w;
    ring[o + i0] = v0;
    ring[o + i1] = v1;
    ring[o + i2] = v2;
    ring[o + i3] = v3;
    const u0 = sums[c + i0] + v0 - old[at + i0];
    const u1 = sums[c + i1] + v1 - old[at + i1];
    const u2 = sums[c + i2] + v2 - old[at + i2];
    const u3 = sums[c + i3] + v3 - old[at + i3];
    sums[c + i0] = u0;
    sums[c + i1] = u1;
    sums[c + i2] = u2;
    sums[c + i3] = u3;
  }
}

/** boxRow4 for five planes. */
function boxRow5(
  src: Float32Array, s: number, stride: number, w: number, r: number, invX: Float32Array,
  ring: Float32Array, o: number, old: Float32Array, at: number,
  sums: Float64Array, c: number,
): void {
  const s1 = s + stride, s2 = s1 + stride, s3 = s2 + stride, s4 = s3 + stride;
  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0, acc4 = 0;
  for (let j = 0; j < r; j++) {
    acc0 += src[s + j];
    acc1 += src[s1 + j];
    acc2 += src[s2 + j];
    acc3 += src[s3 + j];
    acc4 += src[s4 + j];
  }
  const back = r + 1;
  for (let x = 0; x < w; x++) {
    acc0 += src[s + x + r];
    acc0 -= src[s + x - back];
    acc1 += src[s1 + x + r];
    acc1 -= src[s1 + x - back];
    acc2 += src[s2 + x + r];
    acc2 -= src[s2 + x - back];
    acc3 += src[s3 + x + r];
    acc3 -= src[s3 + x - back];
    acc4 += src[s4 + x + r];
    acc4 -= src[s4 + x - back];
    const f = invX[x];
    const v0 = Math.fround(acc0 * f), v1 = Math.fround(acc1 * f), v2 = Math.fround(acc2 * f), v3 = Math.fround(acc3 * f), v4 = Math.fround(acc4 * f);
    const i0 = x, i1 = x + w, i2 = i1 + w, i3 = i2 + w, i4 = i3 + w;
    ring[o + i0] = v0;
    ring[o + i1] = v1;
    ring[o + i2] = v2;
    ring[o + i3] = v3;
    ring[o + i4] = v4;
    const u0 = sums[c + i0] + v0 - old[at + i0];
    const u1 = sums[c + i1] + v1 - old[at + i1];
    const u2 = sums[c + i2] + v2 - old[at + i2];
    const u3 = sums[c + i3] + v3 - old[at + i3];
    const u4 = sums[c + i4] + v4 - old[at + i4];
    sums[c + i0] = u0;
    sums[c + i1] = u1;
    sums[c + i2] = u2;
    sums[c + i3] = u3;
    sums[c + i4] = u4;
  }
}

/**
 * Lowest (`max` false) or highest value over a (2r+1)² box, clamped at the borders. Each
 * pass uses the van Herk / Gil-Werman running extremes over blocks of 2r + 1, so its cost does
 * not grow with r. Which of two equal values is taken matters only when zeros of both signs
 * or NaN are present; then the plain scan (boxExtremeScan) is used, which takes the first,
 * as it is for small boxes.
 */
export function boxExtreme(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  // Up to a 5×5 box the scan is as fast (measured: r 2 1.1x the scan's time, r 3 0.7x, r 13 0.3x).
  if (r <= 2) return boxExtremeScan(src, w, h, r, max);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v !== v || (v === 0 && 1 / v < 0)) return boxExtremeScan(src, w, h, r, max);
  }
  const sign = max ? 1 : -1, k = 2 * r + 1, n = w * h;
  // Written for the maximum of sign·value, so one loop serves both.
  const tmp = new Float32Array(n);
  // Along x, per column: where a block starts and ends, and how each clamped window is read.
  const starts = new Uint8Array(w), ends = new Uint8Array(w), how = new Uint8Array(w);
  for (let x = 0; x < w; x++) {
    starts[x] = x % k === 0 ? 1 : 0;
    ends[x] = x === w - 1 || (x + 1) % k === 0 ? 1 : 0;
    const lo = Math.max(0, x - r), hi = Math.min(w - 1, x + r);
    how[x] = Math.floor(lo / k) !== Math.floor(hi / k) ? 2 : lo % k === 0 ? 1 : 0;
  }
  const line = new Float64Array(w), fromStart = new Float64Array(w), toEnd = new Float64Array(w);
  for (let y = 0, row = 0; y < h; y++, row += w) {
    for (let x = 0; x < w; x++) line[x] = sign * src[row + x];
    for (let x = 0; x < w; x++) fromStart[x] = starts[x] || line[x] > fromStart[x - 1] ? line[x] : fromStart[x - 1];
    for (let x = w - 1; x >= 0; x--) toEnd[x] = ends[x] || line[x] > toEnd[x + 1] ? line[x] : toEnd[x + 1];
    for (let x = 0; x < w; x++) {
      // Two blocks: the end of lo's and the start of hi's. One: from its start to hi, or
      // from lo to its end (then hi is the clamped last column).
      const a = toEnd[x > r ? x - r : 0], b = fromStart[x + r < w ? x + r : w - 1], m = how[x];
      tmp[row + x] = m === 2 ? (a > b ? a : b) : m === 1 ? b : a;
    }
  }
  const down = new Float32Array(n), up = new Float32Array(n), out = new Float32Array(n);
  for (let y = 0, row = 0; y < h; y++, row += w) {
    if (y % k === 0) down.set(tmp.subarray(row, row + w), row);
    else for (let x = 0; x < w; x++) down[row + x] = tmp[row + x] > down[row - w + x] ? tmp[row + x] : down[row - w + x];
  }
  for (let y = h - 1, row = y * w; y >= 0; y--, row -= w) {
    if (y === h - 1 || (y + 1) % k === 0) up.set(tmp.subarray(row, row + w), row);
    else for (let x = 0; x < w; x++) up[row + x] = tmp[row + x] > up[row + w + x] ? tmp[row + x] : up[row + w + x];
  }
  for (let y = 0, row = 0; y < h; y++, row += w) {
    const lo = y > r ? y - r : 0, hi = y + r < h ? y + r : h - 1;
    const a = lo * w, b = hi * w;
    if (Math.floor(lo / k) === Math.floor(hi / k)) {
      // One block: from its start to hi, or from lo to its (clamped) end.
      const plane = lo % k === 0 ? down : up, o = lo % k === 0 ? b : a;
      for (let x = 0; x < w; x++) out[row + x] = plane[o + x] * sign;
    } else {
      for (let x = 0; x < w; x++) out[row + x] = (up[a + x] > down[b + x] ? up[a + x] : down[b + x]) * sign;
    }
  }
  return out;
}

/** boxExtreme by scanning each window: the first of equal values, NaN never the extreme. */
function boxExtremeScan(src: Float32Array, w: number, h: number, r: number, max: boolean): Float32Array {
  const sign = max ? 1 : -1;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let v = -Infinity;
      for (let k = row + Math.max(0, x - r), end = row + Math.min(w - 1, x + r); k <= end; k++) {
        const s = sign * src[k];
        if (s > v) v = s;
      }
      tmp[row + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    out.set(tmp.subarray(row, row + w), row);
    for (let k = Math.max(0, y - r), end = Math.min(h - 1, y + r); k <= end; k++) {
      const o = k * w;
      for (let x = 0; x < w; x++) if (tmp[o + x] > out[row + x]) out[row + x] = tmp[o + x];
    }
    for (let x = 0; x < w; x++) out[row + x] *= sign;
  }
  return out;
}
