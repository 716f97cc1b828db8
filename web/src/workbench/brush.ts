/**
 * Touch-up brushes on a full-resolution alpha matte. A stroke erases (towards 0) or
 * restores (towards 255) with a round brush whose edge is soft over `softness` of its
 * radius. Within one stroke, overlapping dabs take the strongest coverage instead of
 * piling up, so a soft stroke stays even. The stroke keeps the pixels it changes in
 * 64×64 tiles, and ends as a patch holding only those tiles (before and after) for undo.
 */
import type { AlphaMatte, Rect } from '../cutout/image.ts';
import type { Reversible } from './undo.ts';

export type BrushMode = 'erase' | 'restore';

/** The rectangles strokes change: the engine's pixel rectangle. */
export type { Rect };

export const TILE = 64;

/**
 * How strongly a dab of `radius` acts at distance `d` from its centre, 0..1: fully inside,
 * falling linearly to 0 at the radius over `softness`·radius (at least one pixel, so even
 * a hard brush has a smooth edge).
 */
export function dabCoverage(d: number, radius: number, softness: number): number {
  const falloff = Math.max(1, radius * Math.min(1, Math.max(0, softness)));
  const c = (radius - d) / falloff;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

/** The smallest rectangle holding both (either may be null). */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** One tile's pixels before and after an edit. */
export interface TilePatch extends Rect {
  before: Uint8Array;
  after: Uint8Array;
}

/** A reversible edit of a matte: the tiles it changed, before and after. */
export class AlphaPatch implements Reversible {
  readonly bytes: number;
  /** The area the patch covers, for redrawing. */
  readonly bounds: Rect;

  constructor(readonly target: AlphaMatte, readonly tiles: TilePatch[]) {
    this.bytes = tiles.reduce((n, t) => n + t.before.length + t.after.length, 0);
    this.bounds = tiles.reduce<Rect | null>((r, t) => unionRect(r, t), null) ?? { x: 0, y: 0, width: 0, height: 0 };
  }

  undo(): void {
    for (const t of this.tiles) writeTile(this.target, t, t.before);
  }

  redo(): void {
    for (const t of this.tiles) writeTile(this.target, t, t.after);
  }
}

function readTile(m: AlphaMatte, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const from = (r.y + y) * m.width + r.x;
    out.set(m.data.subarray(from, from + r.width), y * r.width);
  }
  return out;
}

function writeTile(m: AlphaMatte, r: Rect, values: Uint8Array): void {
  for (let y = 0; y < r.height; y++) m.data.set(values.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * m.width + r.x);
}

function tileRect(m: AlphaMatte, tx: number, ty: number): Rect {
  const x = tx * TILE, y = ty * TILE;
  return { x, y, width: Math.min(TILE, m.width - x), height: Math.min(TILE, m.height - y) };
}

interface StrokeTile extends Rect {
  before: Uint8Array;
  /** The stroke's strongest coverage so far at each pixel, 0..255. */
  coverage: Uint8Array;
}

/** One stroke of the brush on a matte, changing it as dabs are added. */
export class Stroke {
  readonly #tiles = new Map<number, StrokeTile>();
  readonly #columns: number;

  constructor(
    readonly target: AlphaMatte,
    readonly mode: BrushMode,
    readonly softness: number,
  ) {
    this.#columns = Math.ceil(target.width / TILE);
  }

  #tile(tx: number, ty: number): StrokeTile {
    const key = ty * this.#columns + tx;
    let t = this.#tiles.get(key);
    if (!t) {
      const r = tileRect(this.target, tx, ty);
      t = { ...r, before: readTile(this.target, r), coverage: new Uint8Array(r.width * r.height) };
      this.#tiles.set(key, t);
    }
    return t;
  }

  /**
   * A round dab centred at (`cx`, `cy`) in image coordinates (pixel centres are at +0.5);
   * returns the rectangle of pixels it may have changed, or null when it missed the image.
   */
  dab(cx: number, cy: number, radius: number): Rect | null {
    const { width: w, height: h, data } = this.target;
    // The pixels whose centres lie within the radius.
    const x0 = Math.max(0, Math.ceil(cx - radius - 0.5)), x1 = Math.min(w - 1, Math.floor(cx + radius - 0.5));
    const y0 = Math.max(0, Math.ceil(cy - radius - 0.5)), y1 = Math.min(h - 1, Math.floor(cy + radius - 0.5));
    if (x0 > x1 || y0 > y1 || radius <= 0) return null;
    const erase = this.mode === 'erase';
    for (let ty = Math.floor(y0 / TILE); ty <= Math.floor(y1 / TILE); ty++) {
      for (let tx = Math.floor(x0 / TILE); tx <= Math.floor(x1 / TILE); tx++) {
        const t = this.#tile(tx, ty);
        const ya = Math.max(y0, t.y), yb = Math.min(y1, t.y + t.height - 1);
        const xa = Math.max(x0, t.x), xb = Math.min(x1, t.x + t.width - 1);
        for (let y = ya; y <= yb; y++) {
          const dy = y + 0.5 - cy;
          for (let x = xa; x <= xb; x++) {
            const dx = x + 0.5 - cx;
            const c = Math.round(dabCoverage(Math.sqrt(dx * dx + dy * dy), radius, this.softness) * 255);
            const i = (y - t.y) * t.width + (x - t.x);
            if (c <= t.coverage[i]) continue;
            t.coverage[i] = c;
            const b = t.before[i];
            data[y * w + x] = erase ? Math.round((b * (255 - c)) / 255) : b + Math.round(((255 - b) * c) / 255);
          }
        }
      }
    }
    return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }

  /** Dabs along the segment from (x0, y0) to (x1, y1), a quarter radius apart; returns what changed. */
  line(x0: number, y0: number, x1: number, y1: number, radius: number): Rect | null {
    const length = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(length / Math.max(0.5, radius / 4)));
    let dirty: Rect | null = null;
    for (let s = 1; s <= steps; s++) dirty = unionRect(dirty, this.dab(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, radius));
    return dirty;
  }

  /** Ends the stroke: the patch that undoes and redoes it, or null when nothing changed. */
  finish(): AlphaPatch | null {
    const tiles: TilePatch[] = [];
    for (const t of this.#tiles.values()) {
      const after = readTile(this.target, t);
      if (after.some((v, i) => v !== t.before[i])) tiles.push({ x: t.x, y: t.y, width: t.width, height: t.height, before: t.before, after });
    }
    this.#tiles.clear();
    return tiles.length ? new AlphaPatch(this.target, tiles) : null;
  }
}

/**
 * Sets `target` to `source` (same size) and returns the patch that undoes it, holding only
 * the tiles that differed; null when they were equal already.
 */
export function replaceAlpha(target: AlphaMatte, source: Uint8Array): AlphaPatch | null {
  const tiles: TilePatch[] = [];
  const src: AlphaMatte = { ...target, data: source };
  for (let ty = 0; ty * TILE < target.height; ty++) {
    for (let tx = 0; tx * TILE < target.width; tx++) {
      const r = tileRect(target, tx, ty);
      const before = readTile(target, r);
      const after = readTile(src, r);
      if (after.some((v, i) => v !== before[i])) tiles.push({ ...r, before, after });
    }
  }
  if (!tiles.length) return null;
  const patch = new AlphaPatch(target, tiles);
  patch.redo();
  return patch;
}
