import { describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../../web/src/cutout/model.ts';
import { summedProgress } from '../../../web/src/cutout/progress.ts';

describe('one download progress over several files', () => {
  it('sums the bytes received of every file over all their bytes, never going back as files start and end', () => {
    const seen: DownloadProgress[] = [];
    const [first, second] = summedProgress([100, 40], (p) => seen.push(p));
    // The two downloads run at once; their chunks arrive interleaved.
    first({ loaded: 30, total: 100 });
    second({ loaded: 10, total: 40 });
    first({ loaded: 100, total: 100 });
    second({ loaded: 40, total: 40 });
    expect(seen).toEqual([
      { loaded: 30, total: 140 },
      { loaded: 40, total: 140 },
      { loaded: 110, total: 140 },
      { loaded: 140, total: 140 },
    ]);
  });

  it('counts a file read whole from Cache Storage (one report of all its bytes) with one still downloading', () => {
    const seen: DownloadProgress[] = [];
    const [cached, downloading] = summedProgress([100, 40], (p) => seen.push(p));
    downloading({ loaded: 20, total: 40 });
    cached({ loaded: 100, total: 100 });
    expect(seen.at(-1)).toEqual({ loaded: 120, total: 140 });
  });

  it('is the file\'s own progress for a level of one model, and quiet without a listener', () => {
    const seen: DownloadProgress[] = [];
    const [only] = summedProgress([50], (p) => seen.push(p));
    only({ loaded: 25, total: 50 });
    expect(seen).toEqual([{ loaded: 25, total: 50 }]);
    expect(() => summedProgress([50])[0]({ loaded: 50, total: 50 })).not.toThrow();
  });
});
