/** The pixel type every stage passes along: 8-bit RGBA, row-major, no padding. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A rectangle of pixels: its top-left pixel (`x`, `y`) and its size, in whole pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A single-channel 8-bit alpha matte at the photo's own size. */
export interface AlphaMatte {
  width: number;
  height: number;
  data: Uint8Array;
}
