/**
 * A 0/1 mask over a w×h image kept as its runs, row by row: the matting band is about 1% of
 * a photo, so growing and shrinking it as runs costs what the band does, not what the
 * photo does (four passes over every pixel per square dilation before).
 *
 * Row y's runs are the half-open column ranges [x[2k], x[2k + 1]) for k from start[y] to
 * start[y + 1] − 1, left to right, maximal (two runs of a row never touch), so reading
 * them in order visits the mask's pixels in scan order.
 */
export interface MaskRuns {
  width: number;
  height: number;
  start: Int32Array;
  x: Int32Array;
}

/** Collects runs row after row into a buffer that grows. */
class RunWriter {
  private x = new Int32Array(256);
  private count = 0;
  private readonly start: Int32Array;
  private row = 0;
  constructor(private readonly width: number, private readonly height: number) {
    this.start = new Int32Array(height + 1);
  }
  /** Appends [from, to) to the current row, joining it to the last run when they touch. */
  push(from: number, to: number): void {
    const c = this.count;
    if (c > this.start[this.row] && this.x[2 * c - 1] >= from) {
      if (to > this.x[2 * c - 1]) this.x[2 * c - 1] = to;
      return;
    }
    if (2 * c + 2 > this.x.length) {
      const grown = new Int32Array(this.x.length * 2);
      grown.set(this.x);
      this.x = grown;
    }
    this.x[2 * c] = from;
    this.x[2 * c + 1] = to;
    this.count = c + 1;
  }
  /** Closes the current row; the next pushes go to the row after it. */
  endRow(): void {
    this.start[++this.row] = this.count;
  }
  done(): MaskRuns {
    while (this.row < this.height) this.endRow();
    return { width: this.width, height: this.height, start: this.start, x: this.x.subarray(0, 2 * this.count) };
  }
}

/** The runs of the nonzero pixels of `mask`. */
export function runsOfMask(mask: Uint8Array, w: number, h: number): MaskRuns {
  const out = new RunWriter(w, h);
  for (let y = 0, o = 0; y < h; y++, o += w) {
    for (let x = 0; x < w; x++) {
      if (!mask[o + x]) continue;
      const from = x;
      while (x < w && mask[o + x]) x++;
      out.push(from, x);
    }
    out.endRow();
  }
  return out.done();
}

/** The runs of the pixels of `a` strictly between `lo` and `hi`. */
export function runsBetween(a: Uint8Array, w: number, h: number, lo: number, hi: number): MaskRuns {
  const out = new RunWriter(w, h);
  // Most of a matte is 0 or 255, which lie outside (lo, hi) when 0 ≤ lo and hi ≤ 255: where
  // four bytes in a word are all 0 or all 255 they are passed over together.
  const words = lo >= 0 && hi <= 255 && (a.byteOffset & 3) === 0 ? new Uint32Array(a.buffer, a.byteOffset, a.length >> 2) : undefined;
  for (let y = 0, o = 0; y < h; y++, o += w) {
    for (let x = 0; x < w; ) {
      const i = o + x;
      if (words && (i & 3) === 0 && x + 4 <= w) {
        const word = words[i >> 2];
        if (word === 0 || word === 0xffffffff) {
          x += 4;
          continue;
        }
      }
      const v = a[i];
      if (v <= lo || v >= hi) {
        x++;
        continue;
      }
      const from = x;
      for (x++; x < w; x++) {
        const u = a[o + x];
        if (u <= lo || u >= hi) break;
      }
      out.push(from, x);
    }
    out.endRow();
  }
  return out.done();
}

/** The mask as bytes (1 in the runs, 0 elsewhere). */
export function maskOfRuns(runs: MaskRuns): Uint8Array {
  const { width: w, height: h, start, x } = runs;
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let k = start[y]; k < start[y + 1]; k++) mask.fill(1, y * w + x[2 * k], y * w + x[2 * k + 1]);
  return mask;
}

/** How many pixels the runs cover. */
export function runsArea(runs: MaskRuns): number {
  let n = 0;
  for (let k = 0; k < runs.x.length; k += 2) n += runs.x[k + 1] - runs.x[k];
  return n;
}

/**
 * Square dilation by `r` pixels: a pixel is set when any pixel of the (2r + 1)² square around
 * it, cut at the image's borders, is set.
 */
export function dilateRuns(runs: MaskRuns, r: number): MaskRuns {
  const { width: w, height: h, start, x } = runs;
  const rows = new RunWriter(w, h);
  for (let y = 0; y < h; y++) {
    for (let k = start[y]; k < start[y + 1]; k++) rows.push(Math.max(0, x[2 * k] - r), Math.min(w, x[2 * k + 1] + r));
    rows.endRow();
  }
  return combineRows(rows.done(), r, union);
}

/**
 * Square erosion by `r` pixels: a pixel stays set when every pixel of the (2r + 1)² square
 * around it, cut at the image's borders, is set (outside the image counts as set).
 */
export function erodeRuns(runs: MaskRuns, r: number): MaskRuns {
  const { width: w, height: h, start, x } = runs;
  const rows = new RunWriter(w, h);
  for (let y = 0; y < h; y++) {
    for (let k = start[y]; k < start[y + 1]; k++) {
      const from = x[2 * k] === 0 ? 0 : x[2 * k] + r, to = x[2 * k + 1] === w ? w : x[2 * k + 1] - r;
      if (from < to) rows.push(from, to);
    }
    rows.endRow();
  }
  return combineRows(rows.done(), r, intersection);
}

/** Combines the runs a[0, na) with b[from, to), writing them to `out`; returns how many it wrote. */
type Combine = (a: Int32Array, na: number, b: Int32Array, from: number, to: number, out: Int32Array) => number;

/** Each row combined with the rows up to `r` above and below it (those inside the image). */
function combineRows(runs: MaskRuns, r: number, combine: Combine): MaskRuns {
  const { width: w, height: h, start, x } = runs;
  const out = new RunWriter(w, h);
  // Two scratch lists of runs, swapped at each step: a union or an intersection of rows holds
  // at most as many runs as those rows together, so no more than the whole mask.
  let acc = new Int32Array(x.length), next = new Int32Array(x.length);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h - 1, y + r);
    if (combine === union && start[y0] === start[y1 + 1]) {
      out.endRow();
      continue;
    }
    let n = start[y0 + 1] - start[y0];
    for (let k = 2 * start[y0], o = 0; k < 2 * start[y0 + 1]; k++, o++) acc[o] = x[k];
    for (let yy = y0 + 1; yy <= y1 && (n > 0 || combine === union); yy++) {
      n = combine(acc, n, x, start[yy], start[yy + 1], next);
      const t = acc;
      acc = next;
      next = t;
    }
    for (let k = 0; k < n; k++) out.push(acc[2 * k], acc[2 * k + 1]);
    out.endRow();
  }
  return out.done();
}

/** The union of two rows of maximal runs, as maximal runs; returns how many. */
function union(a: Int32Array, na: number, b: Int32Array, bStart: number, bEnd: number, out: Int32Array): number {
  let i = 0, j = bStart, n = 0;
  while (i < na || j < bEnd) {
    let from: number, to: number;
    if (j >= bEnd || (i < na && a[2 * i] <= b[2 * j])) {
      from = a[2 * i];
      to = a[2 * i + 1];
      i++;
    } else {
      from = b[2 * j];
      to = b[2 * j + 1];
      j++;
    }
    if (n > 0 && out[2 * n - 1] >= from) {
      if (to > out[2 * n - 1]) out[2 * n - 1] = to;
    } else {
      out[2 * n] = from;
      out[2 * n + 1] = to;
      n++;
    }
  }
  return n;
}

/** The intersection of two rows of maximal runs (maximal too: a gap of either stays a gap); returns how many. */
function intersection(a: Int32Array, na: number, b: Int32Array, bStart: number, bEnd: number, out: Int32Array): number {
  let i = 0, j = bStart, n = 0;
  while (i < na && j < bEnd) {
    const from = Math.max(a[2 * i], b[2 * j]), to = Math.min(a[2 * i + 1], b[2 * j + 1]);
    if (from < to) {
      out[2 * n] = from;
      out[2 * n + 1] = to;
      n++;
    }
    if (a[2 * i + 1] < b[2 * j + 1]) i++;
    else j++;
  }
  return n;
}
