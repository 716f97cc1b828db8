/**
 * The largest canvas the engine ever makes. Safari on iOS refuses (or silently blanks) a
 * canvas over 16,777,216 pixels (4096²), and other browsers have their own, larger,
 * limits: staying under this one everywhere means one code path, tested on every engine.
 * Larger photos are decoded in strips of rows and encoded without a canvas (png.ts, WASM WebP).
 */
export const CANVAS_MAX_PIXELS = 16_777_216;

/**
 * The limit a page asks for with `?canvas-limit=N` (at least 4096 pixels, never above the
 * default), for tests that force a small limit; the default otherwise. A person adding it
 * by hand only gets the same files made through the strip path.
 */
export function canvasLimitFrom(search: string): number {
  const asked = Number(new URLSearchParams(search).get('canvas-limit'));
  return Number.isFinite(asked) && asked >= 4096 ? Math.min(asked, CANVAS_MAX_PIXELS) : CANVAS_MAX_PIXELS;
}
