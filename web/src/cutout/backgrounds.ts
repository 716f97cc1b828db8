/**
 * Backgrounds drawn in code: the built-in set of colours and gradients, and a linear
 * gradient at any size. Pure pixel functions: the browser export, the ZIP and the CLI share them.
 */
import { colorBackground } from './compose.ts';
import type { RgbaImage } from './image.ts';

/** A built-in background: a flat colour or a two-colour linear gradient. */
export type BuiltInBackground =
  | { id: string; label: string; kind: 'color'; color: string }
  | { id: string; label: string; kind: 'gradient'; from: string; to: string; angle: number };

/** The built-in set, shown beside "your own image" and accepted by name on the command line. */
export const BUILT_IN_BACKGROUNDS: readonly BuiltInBackground[] = [
  { id: 'white', label: 'White', kind: 'color', color: '#ffffff' },
  { id: 'paper', label: 'Paper', kind: 'color', color: '#f3f1ec' },
  { id: 'charcoal', label: 'Charcoal', kind: 'color', color: '#1f2937' },
  { id: 'studio', label: 'Studio', kind: 'gradient', from: '#f8fafc', to: '#cbd5e1', angle: 180 },
  { id: 'sky', label: 'Sky', kind: 'gradient', from: '#e0f2fe', to: '#60a5fa', angle: 180 },
  { id: 'mint', label: 'Mint', kind: 'gradient', from: '#ecfdf5', to: '#6ee7b7', angle: 135 },
  { id: 'sunset', label: 'Sunset', kind: 'gradient', from: '#fde68a', to: '#f472b6', angle: 135 },
];

/** A built-in background by id, or undefined. */
export function builtInBackground(id: string): BuiltInBackground | undefined {
  return BUILT_IN_BACKGROUNDS.find((b) => b.id === id.trim().toLowerCase());
}

function rgb(hex: string): [number, number, number] {
  const bg = colorBackground(hex);
  if (bg.kind !== 'color') throw new Error(`"${hex}" is not a colour`);
  return bg.color;
}

/**
 * A linear gradient from `from` to `to`, opaque, at `width`×`height`. `angle` in degrees
 * as CSS's `linear-gradient` reads it: 180 runs top to bottom, 90 left to right, 135 from
 * the top-left corner to the bottom-right one (the line's ends reach the corners, as in CSS).
 */
export function gradientImage(width: number, height: number, from: string, to: string, angle: number): RgbaImage {
  const a = rgb(from);
  const b = rgb(to);
  const rad = (angle * Math.PI) / 180;
  const dx = Math.sin(rad);
  const dy = -Math.cos(rad);
  // Half the gradient line's length in CSS: the corners project onto its ends.
  const half = (Math.abs(width * dx) + Math.abs(height * dy)) / 2;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const along = (x + 0.5 - width / 2) * dx + (y + 0.5 - height / 2) * dy;
      const t = half > 0 ? Math.min(1, Math.max(0, along / (2 * half) + 0.5)) : 0;
      const p = (y * width + x) * 4;
      data[p] = a[0] + (b[0] - a[0]) * t;
      data[p + 1] = a[1] + (b[1] - a[1]) * t;
      data[p + 2] = a[2] + (b[2] - a[2]) * t;
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}
