import { describe, expect, it } from 'vitest';
import type { AlphaMatte } from '../../../web/src/cutout/image.ts';
import { dabCoverage, replaceAlpha, Stroke, TILE, unionRect } from '../../../web/src/workbench/brush.ts';

const matte = (width: number, height: number, value: number): AlphaMatte => ({ width, height, data: new Uint8Array(width * height).fill(value) });
const rows = (m: AlphaMatte) => Array.from({ length: m.height }, (_, y) => Array.from(m.data.subarray(y * m.width, (y + 1) * m.width)));

describe('dabCoverage', () => {
  it('is full inside, zero outside, and falls linearly over the soft edge', () => {
    expect(dabCoverage(0, 10, 0.5)).toBe(1);
    expect(dabCoverage(5, 10, 0.5)).toBe(1);
    expect(dabCoverage(7.5, 10, 0.5)).toBe(0.5);
    expect(dabCoverage(10, 10, 0.5)).toBe(0);
    expect(dabCoverage(12, 10, 0.5)).toBe(0);
  });

  it('keeps a one-pixel smooth edge on a hard brush', () => {
    expect(dabCoverage(9, 10, 0)).toBe(1);
    expect(dabCoverage(9.5, 10, 0)).toBe(0.5);
    expect(dabCoverage(10, 10, 0)).toBe(0);
  });
});

// A hard dab of radius 1.5 centred on pixel (2, 2): coverage 1 at the centre, 0.5 at the
// four neighbours (distance 1), 1.5 - √2 at the diagonals, nothing further out.
const diagonal = Math.round((1.5 - Math.SQRT2) * 255); // 22

describe('Stroke', () => {
  it('erases a round dab, exactly', () => {
    const m = matte(5, 5, 255);
    const stroke = new Stroke(m, 'erase', 0);
    expect(stroke.dab(2.5, 2.5, 1.5)).toEqual({ x: 1, y: 1, width: 3, height: 3 });
    const d = 255 - diagonal;
    expect(rows(m)).toEqual([
      [255, 255, 255, 255, 255],
      [255, d, 127, d, 255],
      [255, 127, 0, 127, 255],
      [255, d, 127, d, 255],
      [255, 255, 255, 255, 255],
    ]);
  });

  it('restores towards fully opaque, exactly', () => {
    const m = matte(5, 5, 0);
    new Stroke(m, 'restore', 0).dab(2.5, 2.5, 1.5);
    expect(rows(m)[1]).toEqual([0, diagonal, 128, diagonal, 0]);
    expect(rows(m)[2]).toEqual([0, 128, 255, 128, 0]);
  });

  it('scales partial alpha: erasing halves what half coverage meets, restoring fills half the gap', () => {
    const a = matte(3, 1, 200);
    new Stroke(a, 'erase', 0).dab(0.5, 0.5, 1.5); // centre 1, neighbour 0.5
    expect(Array.from(a.data)).toEqual([0, 100, 200]);
    const b = matte(3, 1, 100);
    new Stroke(b, 'restore', 0).dab(0.5, 0.5, 1.5);
    expect(Array.from(b.data)).toEqual([255, 178, 100]);
  });

  it('does not pile up overlapping dabs within one stroke, but does across strokes', () => {
    const m = matte(5, 5, 255);
    const stroke = new Stroke(m, 'erase', 0);
    stroke.dab(2.5, 2.5, 1.5);
    stroke.dab(2.5, 2.5, 1.5);
    expect(m.data[2 * 5 + 1]).toBe(127);
    stroke.finish();
    new Stroke(m, 'erase', 0).dab(2.5, 2.5, 1.5);
    expect(m.data[2 * 5 + 1]).toBe(63);
  });

  it('paints a line of dabs between two points', () => {
    const m = matte(12, 3, 255);
    const stroke = new Stroke(m, 'erase', 0);
    stroke.dab(1.5, 1.5, 1);
    stroke.line(1.5, 1.5, 10.5, 1.5, 1);
    expect(rows(m)[1]).toEqual([255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255]);
    expect(rows(m)[0].every((v) => v === 255)).toBe(true);
  });

  it('ignores dabs off the image, and a stroke that changed nothing gives no patch', () => {
    const m = matte(4, 4, 255);
    const stroke = new Stroke(m, 'erase', 0);
    expect(stroke.dab(-10, -10, 2)).toBeNull();
    expect(stroke.finish()).toBeNull();
    const restore = new Stroke(m, 'restore', 0);
    restore.dab(2, 2, 2); // already opaque
    expect(restore.finish()).toBeNull();
  });

  it('ends as a patch that undoes and redoes the stroke exactly', () => {
    const m = matte(5, 5, 255);
    m.data[0] = 7;
    const original = m.data.slice();
    const stroke = new Stroke(m, 'erase', 0.5);
    stroke.line(0, 0, 5, 5, 2);
    const edited = m.data.slice();
    const patch = stroke.finish()!;
    expect(patch.bytes).toBe(2 * 25);
    patch.undo();
    expect(m.data).toEqual(original);
    patch.redo();
    expect(m.data).toEqual(edited);
  });

  it('keeps only the tiles a stroke touched, not a copy of the matte', () => {
    const m = matte(TILE * 4, TILE * 4, 255);
    const stroke = new Stroke(m, 'erase', 0);
    stroke.dab(TILE, 10, 3); // on the border of the first two tiles of the top row
    const patch = stroke.finish()!;
    expect(patch.tiles.map((t) => [t.x, t.y, t.width, t.height])).toEqual([
      [0, 0, TILE, TILE],
      [TILE, 0, TILE, TILE],
    ]);
    expect(patch.bytes).toBe(2 * 2 * TILE * TILE);
    expect(patch.bounds).toEqual({ x: 0, y: 0, width: 2 * TILE, height: TILE });
  });

  it('clips tiles at the matte\'s right and bottom edges', () => {
    const m = matte(TILE + 3, 2, 255);
    const stroke = new Stroke(m, 'erase', 0);
    stroke.dab(TILE + 2, 1, 1);
    const patch = stroke.finish()!;
    expect(patch.tiles.map((t) => [t.x, t.y, t.width, t.height])).toEqual([[TILE, 0, 3, 2]]);
  });
});

describe('replaceAlpha', () => {
  it('sets the matte to the source and undoes it, keeping only the tiles that differed', () => {
    const m = matte(TILE * 2, TILE, 255);
    const source = m.data.slice();
    m.data[TILE + 5] = 0; // a change in the second tile only
    const patch = replaceAlpha(m, source)!;
    expect(m.data).toEqual(source);
    expect(patch.tiles).toHaveLength(1);
    expect(patch.tiles[0].x).toBe(TILE);
    patch.undo();
    expect(m.data[TILE + 5]).toBe(0);
  });

  it('gives nothing when the matte equals the source', () => {
    const m = matte(3, 3, 9);
    expect(replaceAlpha(m, m.data.slice())).toBeNull();
  });
});

describe('unionRect', () => {
  it('spans both rectangles and passes one through when the other is null', () => {
    expect(unionRect({ x: 1, y: 2, width: 3, height: 4 }, { x: 5, y: 0, width: 1, height: 1 })).toEqual({ x: 1, y: 0, width: 5, height: 6 });
    expect(unionRect(null, { x: 1, y: 1, width: 1, height: 1 })).toEqual({ x: 1, y: 1, width: 1, height: 1 });
  });
});
