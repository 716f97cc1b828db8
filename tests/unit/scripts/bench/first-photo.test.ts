import { describe, expect, it } from 'vitest';
import { firstPhotoBudget, formatTimeline } from '../../../../scripts/bench/first-photo.ts';

describe("the bench's first photo", () => {
  it("is held to issue 18's goal: no more than the model's download plus twice the steady time", () => {
    expect(firstPhotoBudget(6_000, 1_000, 2_500)).toMatchObject({ budget: 6_000, ratio: 1 });
    expect(firstPhotoBudget(6_000, 1_000, 2_500).text).toBe('first photo 6.00 s against download 1.00 s + 2 x steady 2.50 s = 6.00 s: within it (1.00x)');
    expect(firstPhotoBudget(7_000, 1_000, 2_500).text).toContain('OVER it by 1.00 s (1.17x)');
  });

  it('says when the budget is not known instead of passing or failing it', () => {
    expect(firstPhotoBudget(6_000, undefined, 2_500).text).toContain('not known');
    expect(firstPhotoBudget(6_000, 1_000, undefined).text).toContain('not known');
  });

  it('prints the timeline in seconds from navigation, in order of start, points as @', () => {
    const line = formatTimeline([
      { name: 'cutout: session isnet-int8-896', start: 2_400, end: 3_300 },
      { name: 'photo chosen', start: 450, end: 450 },
      { name: 'cutout: fetch isnet-int8-896', start: 500, end: 2_400 },
    ]);
    expect(line).toBe('photo chosen @0.45 | cutout: fetch isnet-int8-896 0.50-2.40 | cutout: session isnet-int8-896 2.40-3.30');
  });
});
