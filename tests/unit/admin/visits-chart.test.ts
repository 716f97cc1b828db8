/** The daily visits chart's geometry: every day gets a slot, bars and the line share one scale. */
import { describe, expect, it } from 'vitest';
import { chartGeometry, fillDays, windowStart } from '../../../web/src/admin/visits-chart.ts';

describe('fillDays', () => {
  it('fills the days between the first and the last with zeros, across a month end', () => {
    const days = fillDays([
      { day: '2026-01-30', requests: 5, visitors: 2 },
      { day: '2026-02-02', requests: 1, visitors: 1 },
    ]);
    expect(days.map((d) => `${d.day} ${d.requests}`)).toEqual(['2026-01-30 5', '2026-01-31 0', '2026-02-01 0', '2026-02-02 1']);
    expect(fillDays([])).toEqual([]);
  });

  it('fills a whole window when asked, from its first day to its last, with the listed days in their places', () => {
    const days = fillDays([{ day: '2026-03-01', requests: 7, visitors: 3 }], { from: windowStart('2026-03-02', 4), to: '2026-03-02' });
    expect(days.map((d) => `${d.day} ${d.requests}`)).toEqual(['2026-02-27 0', '2026-02-28 0', '2026-03-01 7', '2026-03-02 0']);
    // An empty window is still drawn (all zeros), and a listed day outside it widens it rather than vanishing.
    expect(fillDays([], { from: '2026-01-01', to: '2026-01-02' })).toHaveLength(2);
    expect(fillDays([{ day: '2026-01-05', requests: 1, visitors: 1 }], { from: '2026-01-01', to: '2026-01-02' }).at(-1)!.day).toBe('2026-01-05');
  });
});

describe('chartGeometry', () => {
  it('scales the tallest count to the full plot height and lays the days out left to right', () => {
    const g = chartGeometry(
      [
        { day: 'a', requests: 10, visitors: 4 },
        { day: 'b', requests: 5, visitors: 5 },
      ],
      124,
      124,
      24,
    );
    expect(g.max).toBe(10);
    expect(g.bars.map((b) => [b.x, b.y, b.width, b.height])).toEqual([
      [29, 0, 40, 100],
      [79, 50, 40, 50],
    ]);
    expect(g.line).toBe('49.0,60.0 99.0,50.0');
  });

  it('draws empty days flat on the axis, without dividing by zero', () => {
    const g = chartGeometry([{ day: 'a', requests: 0, visitors: 0 }], 100, 100, 0);
    expect(g.bars[0]).toMatchObject({ y: 100, height: 0 });
    expect(g.line).toBe('50.0,100.0');
  });
});
