import { describe, expect, it } from 'vitest';
import {
  boundaryF,
  defaultTolerance,
  edgeBand,
  edgeMeanAbsoluteError,
  edgePixels,
  formatScore,
  iou,
  meanAbsoluteError,
  meanScores,
  scoreMatte,
  squaredDistance,
  type Plane,
} from '../../../../scripts/lib/metrics.ts';

/** A plane from rows of numbers (0..255). */
const plane = (rows: number[][]): Plane => ({ width: rows[0].length, height: rows.length, data: Uint8Array.from(rows.flat()) });
/** A plane from rows of '#' (255) and '.' (0). */
const mask = (...rows: string[]): Plane => plane(rows.map((r) => [...r].map((c) => (c === '#' ? 255 : 0))));
const grid = (data: ArrayLike<number>, width: number) => Array.from({ length: data.length / width }, (_, y) => Array.from(data).slice(y * width, (y + 1) * width));

describe('meanAbsoluteError', () => {
  it('is the mean of |alpha - truth| in [0, 1]', () => {
    expect(meanAbsoluteError(plane([[0, 255], [51, 255]]), plane([[0, 0], [0, 255]]))).toBeCloseTo((255 + 51) / 4 / 255, 12);
  });

  it('leaves ignored pixels out of the mean', () => {
    const alpha = plane([[0, 255], [51, 255]]);
    const truth = plane([[0, 0], [0, 255]]);
    const ignore = plane([[0, 255], [0, 0]]);
    expect(meanAbsoluteError(alpha, truth, ignore)).toBeCloseTo(51 / 3 / 255, 12);
  });

  it('refuses planes of different sizes', () => {
    expect(() => meanAbsoluteError(plane([[0, 0]]), plane([[0], [0]]))).toThrow(/sizes differ/);
  });
});

describe('iou', () => {
  it('thresholds both at 0.5 (128 of 255) and divides intersection by union', () => {
    const alpha = plane([[127, 128, 255, 0]]);
    const truth = plane([[255, 255, 0, 0]]);
    // alpha: . # # .   truth: # # . .   intersection 1, union 3
    expect(iou(alpha, truth)).toBeCloseTo(1 / 3, 12);
  });

  it('is 1 when both masks are empty and 0 when only one is', () => {
    expect(iou(mask('..'), mask('..'))).toBe(1);
    expect(iou(mask('#.'), mask('..'))).toBe(0);
  });

  it('ignores pixels marked in the ignore plane', () => {
    expect(iou(mask('##'), mask('#.'), mask('.#'))).toBe(1);
  });
});

describe('edgePixels', () => {
  it('marks foreground pixels with a background 4-neighbour, not the image border', () => {
    const m = mask(
      '#####',
      '#####',
      '##...',
      '##...',
    );
    expect(grid(edgePixels(m), 5)).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 1, 1, 1],
      [0, 1, 0, 0, 0],
      [0, 1, 0, 0, 0],
    ]);
  });
});

describe('squaredDistance', () => {
  it('is the exact squared Euclidean distance to the nearest seed', () => {
    const seeds = new Uint8Array(5 * 3);
    seeds[1 * 5 + 1] = 1;
    seeds[0 * 5 + 4] = 1;
    expect(grid(squaredDistance(seeds, 5, 3), 5)).toEqual([
      [2, 1, 2, 1, 0],
      [1, 0, 1, 2, 1],
      [2, 1, 2, 5, 4],
    ]);
  });

  it('is infinite everywhere without seeds', () => {
    expect([...squaredDistance(new Uint8Array(4), 2, 2)]).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });
});

describe('edgeBand and edgeMeanAbsoluteError', () => {
  // A vertical edge: columns 0-3 foreground, 4-9 background; the edge is column 3.
  const truth = mask(...Array.from({ length: 3 }, () => '####......'));

  it('takes the pixels within the band width of the true edge', () => {
    expect(grid(edgeBand(truth, 2), 10)[0]).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('averages the error over the band only', () => {
    // Wrong by 255 at column 9 (outside the band) and by 51 at column 4 (inside).
    const alpha = plane(Array.from({ length: 3 }, () => [255, 255, 255, 255, 51, 0, 0, 0, 0, 255]));
    expect(edgeMeanAbsoluteError(alpha, truth, undefined, 2)).toBeCloseTo(51 / 5 / 255, 12);
    expect(meanAbsoluteError(alpha, truth)).toBeCloseTo((51 + 255) / 10 / 255, 12);
  });

  it('is null when the truth has no edge', () => {
    expect(edgeMeanAbsoluteError(mask('..', '..'), mask('..', '..'))).toBeNull();
  });
});

describe('boundaryF', () => {
  const truth = mask(
    '........',
    '.####...',
    '.####...',
    '.####...',
    '........',
  );

  it('is 1 for a perfect prediction', () => {
    expect(boundaryF(truth, truth, 0)).toBe(1);
  });

  it('matches edges within the tolerance and not beyond', () => {
    // The same square shifted one pixel to the right.
    const shifted = mask(
      '........',
      '..####..',
      '..####..',
      '..####..',
      '........',
    );
    expect(boundaryF(shifted, truth, 1)).toBe(1);
    // Without tolerance only the overlap matches: each edge has 10 pixels, 6 of them
    // shared (columns 2-4 of rows 1 and 3), so precision = recall = 0.6.
    expect(boundaryF(shifted, truth, 0)).toBeCloseTo(0.6, 12);
  });

  it('is 0 when only one of the two has an edge, 1 when neither has', () => {
    expect(boundaryF(mask('....', '....'), mask('.#..', '....'), 1)).toBe(0);
    expect(boundaryF(mask('..'), mask('..'))).toBe(1);
  });

  it('keeps the edge that an ignore band covers (the ignore plane does not apply)', () => {
    const ignoreEdge = mask('........', '.####...', '.#..#...', '.####...', '........');
    expect(scoreMatte(truth, truth, ignoreEdge).boundaryF).toBe(1);
  });

  it('uses DAVIS tolerance by default', () => {
    expect(defaultTolerance(854, 480)).toBe(8);
  });
});

describe('scoreMatte and meanScores', () => {
  it('scores a perfect matte as perfect', () => {
    const truth = mask('.##.', '.##.');
    expect(scoreMatte(truth, truth)).toEqual({ mae: 0, iou: 1, edgeMae: 0, boundaryF: 1 });
  });

  it('averages each score, leaving undefined edge errors out', () => {
    const m = meanScores([
      { mae: 0.1, iou: 0.5, edgeMae: null, boundaryF: 1 },
      { mae: 0.3, iou: 1, edgeMae: 0.2, boundaryF: 0 },
    ]);
    expect(m.mae).toBeCloseTo(0.2, 12);
    expect(m.iou).toBeCloseTo(0.75, 12);
    expect(m.edgeMae).toBeCloseTo(0.2, 12);
    expect(m.boundaryF).toBeCloseTo(0.5, 12);
  });
});

describe('formatScore', () => {
  it('gives four decimals by default, or as many as asked, and a dash where there is no score', () => {
    expect(formatScore(0.123456)).toBe('0.1235');
    expect(formatScore(0.8534, 3)).toBe('0.853');
    expect(formatScore(null)).toBe('-');
    expect(formatScore(Number.NaN)).toBe('-');
  });
});
