import { describe, expect, it } from 'vitest';
import { addTimings } from '../../../web/src/cutout/timings.ts';

describe('addTimings', () => {
  it('sums a stage that ran in both records and keeps the others', () => {
    // The prepare worker's preprocess, and the second model's preprocess inside the cut.
    expect(addTimings({ decode: 5, preprocess: 10 }, { preprocess: 3, infer: 100 })).toEqual({ decode: 5, preprocess: 13, infer: 100 });
  });
});
