import { describe, expect, it } from 'vitest';
import { threadsFrom } from '../../../web/src/cutout/forced-threads.ts';

describe('threadsFrom (?threads=N, for tests that need several thread workers)', () => {
  it('takes a whole count from 1 to 8', () => {
    expect(threadsFrom('?threads=4')).toBe(4);
    expect(threadsFrom('?model=x&threads=1')).toBe(1);
    expect(threadsFrom('?threads=8')).toBe(8);
  });

  it('leaves the count to the probe otherwise', () => {
    for (const search of ['', '?threads=', '?threads=0', '?threads=9', '?threads=2.5', '?threads=four']) expect(threadsFrom(search), search).toBeUndefined();
  });
});
