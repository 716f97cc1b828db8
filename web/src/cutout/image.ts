/** The pixel type every stage passes along: 8-bit RGBA, row-major, no padding. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A single-channel 8-bit alpha matte at the photo's own size. */
export interface AlphaMatte {
  width: number;
  height: number;
  data: Uint8Array;
}
