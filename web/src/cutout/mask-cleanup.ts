/**
 * Mask cleanup stage: the network's S×S probability map -> the same map without haze and
 * stray islands. On a busy background a small network can leave a faint veil (alpha 0.1 to
 * 0.4 over leaves) and blobs of foreground far from the subject. Both are judged at the
 * map's own resolution, where it is cheap:
 * - islands: connected parts of the map's foreground (≥ 0.5) much smaller than the largest
 *   are dropped with the faint values around them;
 * - haze: faint values farther than `reach` from the foreground that is kept are set to 0.
 * Soft values next to the subject (hair, fur, motion blur) are within reach and kept.
 */
import { boxExtreme } from './box.ts';

export interface CleanupOptions {
  /** An island of foreground smaller than this share of the largest one is dropped. */
  minIsland: number;
  /** How far soft values may lie from the kept foreground, as a share of the map's side. */
  reach: number;
}

/** What Fast (isnet-quint8-640) runs, from scripts/tune-cleanup.ts on the dev set. */
export const DEFAULT_CLEANUP: CleanupOptions = { minIsland: 0.01, reach: 0.02 };

/** Labels of the 8-connected components of `mask` (0 = not in the mask), and each one's area (index = label). */
export function components(mask: Uint8Array, w: number, h: number): { labels: Int32Array; areas: number[] } {
  const labels = new Int32Array(w * h);
  const areas = [0];
  const stack = new Int32Array(w * h);
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = areas.length;
    let top = 0, area = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top];
      area++;
      const x = i % w, y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && !labels[j]) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    areas.push(area);
  }
  return { labels, areas };
}

/** The map with islands and haze removed (a new array; the map is not changed). */
export function cleanMap(map: Float32Array, size: number, options: CleanupOptions = DEFAULT_CLEANUP): Float32Array {
  const n = size * size;
  const fg = new Uint8Array(n);
  for (let i = 0; i < n; i++) fg[i] = map[i] >= 0.5 ? 1 : 0;
  const { labels, areas } = components(fg, size, size);
  const largest = Math.max(0, ...areas);
  // Nothing confidently foreground: nothing to measure haze against, so leave the map.
  if (largest === 0) return map.slice();
  const kept = new Float32Array(n);
  for (let i = 0; i < n; i++) if (labels[i] && areas[labels[i]] >= options.minIsland * largest) kept[i] = 1;
  // A reach of the whole map or more: no haze removal, islands only.
  const near = options.reach >= 1 ? new Float32Array(n).fill(1) : boxExtreme(kept, size, size, Math.max(1, Math.round(options.reach * size)), true);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = near[i] > 0 ? (labels[i] && !kept[i] ? 0 : map[i]) : 0;
  return out;
}
