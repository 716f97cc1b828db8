/** The daily visits chart's geometry: pure numbers for an SVG, so it is drawn (and tested) without a library. */

/** One day's counts, as GET /api/admin/visits lists them. */
export interface DayCount {
  day: string;
  requests: number;
  visitors: number;
}

/** Bars for requests and a line for visitors, in a `width`×`height` box with `pad` for the axis labels. */
export interface ChartGeometry {
  bars: { day: string; x: number; y: number; width: number; height: number; requests: number }[];
  /** SVG `points` of the visitors line. */
  line: string;
  /** The largest count, the top of the scale. */
  max: number;
}

const dayMs = 86_400_000;

/** `YYYY-MM-DD` of the UTC day `count - 1` days before `day` (the first day of a window of `count` ending on `day`). */
export function windowStart(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - (count - 1) * dayMs).toISOString().slice(0, 10);
}

/**
 * Fills every day from the first to the last (missing days count zero), oldest first: by default
 * those listed; `range` widens it (the whole window asked for, so one busy day is one thin bar of 90,
 * not a block filling the chart).
 */
export function fillDays(days: DayCount[], range?: { from: string; to: string }): DayCount[] {
  const listed = days.map((d) => d.day).sort();
  const first = [range?.from, listed[0]].filter((d): d is string => !!d).sort()[0];
  const last = [range?.to, listed.at(-1)].filter((d): d is string => !!d).sort().at(-1);
  if (!first || !last) return [];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const out: DayCount[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += dayMs) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, requests: 0, visitors: 0 });
  }
  return out;
}

/** Lays the days out left to right; both series share one scale (visitors never exceed requests). */
export function chartGeometry(days: DayCount[], width: number, height: number, pad = 24): ChartGeometry {
  const max = Math.max(1, ...days.map((d) => Math.max(d.requests, d.visitors)));
  const plotWidth = width - pad;
  const plotHeight = height - pad;
  const step = days.length > 0 ? plotWidth / days.length : 0;
  const y = (value: number) => plotHeight - (value / max) * plotHeight;
  const bars = days.map((d, i) => ({
    day: d.day,
    x: pad + i * step + step * 0.1,
    y: y(d.requests),
    width: step * 0.8,
    height: plotHeight - y(d.requests),
    requests: d.requests,
  }));
  const line = days.map((d, i) => `${(pad + (i + 0.5) * step).toFixed(1)},${y(d.visitors).toFixed(1)}`).join(' ');
  return { bars, line, max };
}
