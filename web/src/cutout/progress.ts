/**
 * One download progress over several files: a level with a second opinion downloads two
 * models, and the page shows one bar over both, which must not go back to 0 when the
 * second file starts.
 */
import type { DownloadProgress } from './model.ts';

/**
 * One progress callback per file (of `bytes[i]` bytes each), every one reporting to
 * `onProgress` the bytes of all the files received so far out of all their bytes.
 */
export function summedProgress(bytes: readonly number[], onProgress?: (p: DownloadProgress) => void): ((p: DownloadProgress) => void)[] {
  const loaded = bytes.map(() => 0);
  const total = bytes.reduce((sum, b) => sum + b, 0);
  return bytes.map((_, i) => (p: DownloadProgress) => {
    loaded[i] = p.loaded;
    onProgress?.({ loaded: loaded.reduce((sum, b) => sum + b, 0), total });
  });
}
