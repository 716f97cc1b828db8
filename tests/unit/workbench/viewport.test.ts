import { describe, expect, it } from 'vitest';
import { MAX_SCALE, PAN_MARGIN, pinchOf, Viewport, wheelZoomFactor, type Point } from '../../../web/src/workbench/viewport.ts';

/** A 2000×1000 photo in an 800×600 box, fitted. */
const fitted = () => new Viewport({ width: 2000, height: 1000 }, { width: 800, height: 600 }).fit();
/** Where a picture point is on screen. */
const onScreen = (v: Viewport, p: Point): Point => ({ x: p.x * v.scale + v.tx, y: p.y * v.scale + v.ty });

describe('Viewport', () => {
  it('fits the whole picture, centred, in 96% of the box', () => {
    const v = fitted();
    expect(v.scale).toBeCloseTo((800 / 2000) * 0.96, 12);
    expect(v.fitScale).toBe(v.scale);
    expect(onScreen(v, { x: 1000, y: 500 })).toEqual({ x: 400, y: 300 });
    expect(v.tx).toBeCloseTo((800 - 2000 * v.scale) / 2, 12);
  });

  it('zooms keeping the point under the cursor still, and the centre by default', () => {
    const v = fitted();
    const at = { x: 250, y: 200 };
    const under = v.toPicture(at);
    const zoomed = v.zoomed(2, at);
    expect(zoomed.scale).toBeCloseTo(v.scale * 2, 12);
    const still = onScreen(zoomed, under);
    expect(still.x).toBeCloseTo(at.x, 9);
    expect(still.y).toBeCloseTo(at.y, 9);
    const centre = v.toPicture({ x: 400, y: 300 });
    const fromCentre = onScreen(v.zoomed(1.25), centre);
    expect(fromCentre.x).toBeCloseTo(400, 9);
    expect(fromCentre.y).toBeCloseTo(300, 9);
  });

  it('zooms in no further than MAX_SCALE and out no further than half the fitted scale (or 100% for a small picture)', () => {
    const v = fitted();
    expect(v.zoomed(1e6).scale).toBe(MAX_SCALE);
    expect(v.zoomed(1e-6).scale).toBeCloseTo(v.fitScale / 2, 12);
    const small = new Viewport({ width: 100, height: 50 }, { width: 800, height: 600 }).fit();
    expect(small.scale).toBeCloseTo(7.68, 12);
    expect(small.zoomed(1e-6).scale).toBe(1);
  });

  it('keeps PAN_MARGIN pixels of the picture in the box however far it is dragged', () => {
    const v = fitted();
    const right = v.panned(1e5, 1e5);
    expect([right.tx, right.ty]).toEqual([800 - PAN_MARGIN, 600 - PAN_MARGIN]);
    const left = v.panned(-1e5, -1e5);
    expect(left.tx + 2000 * left.scale).toBeCloseTo(PAN_MARGIN, 9);
    expect(left.ty + 1000 * left.scale).toBeCloseTo(PAN_MARGIN, 9);
    // A drag within the margins moves the picture exactly as far as the pointer.
    const small = v.panned(30, -20);
    expect(small.tx - v.tx).toBeCloseTo(30, 12);
    expect(small.ty - v.ty).toBeCloseTo(-20, 12);
    // moved() does not clamp: the keyboard moves, then clamps once.
    expect(v.moved(1e5, 0).tx).toBe(v.tx + 1e5);
    expect(v.moved(1e5, 0).clamped().tx).toBe(800 - PAN_MARGIN);
  });

  it('follows a pinch: the picture moves with the fingers\' midpoint and scales with their distance', () => {
    const v = fitted();
    const before = pinchOf({ x: 300, y: 300 }, { x: 500, y: 300 });
    const now = pinchOf({ x: 220, y: 320 }, { x: 620, y: 320 });
    expect(before).toEqual({ distance: 200, mid: { x: 400, y: 300 } });
    const under = v.toPicture(before.mid);
    const pinched = v.pinched(before, now);
    expect(pinched.scale).toBeCloseTo(v.scale * 2, 12);
    const p = onScreen(pinched, under);
    expect(p.x).toBeCloseTo(now.mid.x, 9);
    expect(p.y).toBeCloseTo(now.mid.y, 9);
  });

  it('fits again when the box is resized while fitted, and leaves a zoomed view where it is', () => {
    const wider = fitted().resized({ width: 1600, height: 600 });
    expect(wider.scale).toBeCloseTo((600 / 1000) * 0.96, 12);
    expect(wider.fitScale).toBe(wider.scale);
    const zoomed = fitted().zoomed(3);
    const resized = zoomed.resized({ width: 1600, height: 600 });
    expect([resized.scale, resized.tx, resized.ty]).toEqual([zoomed.scale, zoomed.tx, zoomed.ty]);
    expect(resized.fitScale).toBeCloseTo((600 / 1000) * 0.96, 12);
  });

  it('maps box points to picture coordinates and back', () => {
    const v = fitted().zoomed(3, { x: 100, y: 100 }).panned(13, -7);
    for (const p of [{ x: 0, y: 0 }, { x: 123.5, y: 456.25 }, { x: 2000, y: 1000 }]) {
      const back = v.toPicture(onScreen(v, p));
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
  });
});

describe('wheelZoomFactor', () => {
  it('zooms in for a wheel turned up, out for down, by the same ratio, and more per line than per pixel', () => {
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0)).toBeCloseTo(1, 12);
    expect(wheelZoomFactor(-3, 1)).toBeGreaterThan(wheelZoomFactor(-3, 0));
    expect(wheelZoomFactor(0, 0)).toBe(1);
  });
});
