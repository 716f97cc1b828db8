/**
 * The editor's view of a picture: where it sits in the viewport box and at what scale, and
 * the maths of fit, zoom, pan and pinch. Pure and immutable (every move returns a new
 * Viewport), so it is tested without a DOM; EditorStage keeps one in `$state.raw`.
 * On screen, a picture point p is at p * scale + (tx, ty), in the box's coordinates.
 */

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Two fingers on the screen: how far apart, and their midpoint in the box. */
export interface Pinch {
  distance: number;
  mid: Point;
}

/** The largest zoom: 16 screen pixels a picture pixel. */
export const MAX_SCALE = 16;
/** How much of the picture (screen pixels) stays inside the box, however far it is dragged. */
export const PAN_MARGIN = 48;
/** The share of the box the fitted picture fills. */
const FIT_FILL = 0.96;

export class Viewport {
  /**
   * `box` is the viewport's size now; `fitScale` is the scale that fitted the picture when
   * the box was last measured (`measure`, `fit`, `resized`): zooming out stops at half of it.
   */
  constructor(
    readonly picture: Size,
    readonly box: Size = { width: 0, height: 0 },
    readonly fitScale = 1,
    readonly scale = 1,
    readonly tx = 0,
    readonly ty = 0,
  ) {}

  /** The smallest zoom: half the fitted scale, or 100% for a picture smaller than the box. */
  get minScale(): number {
    return Math.min(this.fitScale / 2, 1);
  }

  /** The same view in a box of another size (nothing moves). */
  sized(box: Size): Viewport {
    return new Viewport(this.picture, box, this.fitScale, this.scale, this.tx, this.ty);
  }

  /** Measures the scale that fits the picture in the box, with a small border. */
  measure(): Viewport {
    const fitScale = Math.max(0.001, Math.min(this.box.width / this.picture.width, this.box.height / this.picture.height) * FIT_FILL);
    return new Viewport(this.picture, this.box, fitScale, this.scale, this.tx, this.ty);
  }

  /** Shows the whole picture, centred. */
  fit(): Viewport {
    const { fitScale } = this.measure();
    const tx = (this.box.width - this.picture.width * fitScale) / 2;
    const ty = (this.box.height - this.picture.height * fitScale) / 2;
    return new Viewport(this.picture, this.box, fitScale, fitScale, tx, ty);
  }

  /** The box changed size: a fitted picture is fitted again; any other view stays where it is. */
  resized(box: Size): Viewport {
    const wasFitted = Math.abs(this.scale - this.fitScale) < 1e-6;
    const next = this.sized(box).measure();
    return wasFitted ? next.fit() : next;
  }

  /** Moves the picture by (dx, dy) screen pixels, without keeping it in the box (see `clamped`). */
  moved(dx: number, dy: number): Viewport {
    return new Viewport(this.picture, this.box, this.fitScale, this.scale, this.tx + dx, this.ty + dy);
  }

  /** Keeps at least PAN_MARGIN of the picture inside the box. */
  clamped(): Viewport {
    const { width, height } = this.box;
    const tx = Math.min(width - PAN_MARGIN, Math.max(PAN_MARGIN - this.picture.width * this.scale, this.tx));
    const ty = Math.min(height - PAN_MARGIN, Math.max(PAN_MARGIN - this.picture.height * this.scale, this.ty));
    return new Viewport(this.picture, this.box, this.fitScale, this.scale, tx, ty);
  }

  /** Drags the picture by (dx, dy), keeping it in the box. */
  panned(dx: number, dy: number): Viewport {
    return this.moved(dx, dy).clamped();
  }

  /** Zooms by `factor` (within minScale..MAX_SCALE), keeping the box point `at` still (the box's centre by default). */
  zoomed(factor: number, at: Point = { x: this.box.width / 2, y: this.box.height / 2 }): Viewport {
    const next = Math.min(MAX_SCALE, Math.max(this.minScale, this.scale * factor));
    const tx = at.x - ((at.x - this.tx) * next) / this.scale;
    const ty = at.y - ((at.y - this.ty) * next) / this.scale;
    return new Viewport(this.picture, this.box, this.fitScale, next, tx, ty).clamped();
  }

  /** Two fingers moved from `before` to `now`: the picture follows their midpoint and scales with their distance. */
  pinched(before: Pinch, now: Pinch): Viewport {
    return this.moved(now.mid.x - before.mid.x, now.mid.y - before.mid.y).zoomed(now.distance / Math.max(1, before.distance), now.mid);
  }

  /** A box point -> picture coordinates. */
  toPicture(p: Point): Point {
    return { x: (p.x - this.tx) / this.scale, y: (p.y - this.ty) / this.scale };
  }
}

/** Two pointers (box coordinates) as a pinch. */
export function pinchOf(a: Point, b: Point): Pinch {
  return { distance: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
}

/** The zoom factor of one wheel event: lines (deltaMode 1) move more than pixels; trackpad pinches arrive as wheel events too. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  return Math.exp(-deltaY * (deltaMode === 1 ? 0.05 : 0.0015));
}
