/**
 * Issue 18's goal for the first photo: no more than the model's download plus twice the
 * steady time per photo. One rule for which steady time, used by the per-load lines the
 * first-photo run prints and by the report's table, so the two never disagree.
 */
import { median } from '../lib/median.ts';
import type { FirstPhotoRun } from './first-photo.ts';
import type { ModelRun } from './samples.ts';

/**
 * Where a steady time came from: the same build's batch pass in this run, its one-at-a-time
 * pass over the photos, or the fresh loads themselves (each cuts its photo twice more).
 */
export type SteadySource = 'batch' | 'photos' | 'loads';

export interface SteadyTime {
  ms: number;
  /** Undefined when there was nothing to take it from (ms is then NaN). */
  source?: SteadySource;
}

/** How the table and the log lines name a source. */
export const STEADY_SOURCE: Record<SteadySource, string> = {
  batch: 'batch pass',
  photos: 'photo pass',
  loads: "loads' own",
};

/** Which first-photo run the steady time is for: its onnxruntime build, model and variant ("old"). */
export type FirstPhotoOf = Pick<FirstPhotoRun, 'build' | 'model' | 'variant'>;

/**
 * The steady time per photo a first photo is held to. The run's own passes come first: the
 * batch pass (photos queued back to back, as the app runs them) where there is one, else the
 * median page-clock time of the one-at-a-time pass; they ran the same build with the same
 * model in one browser for minutes, so they say more than two cuts. Only the app's WASM build
 * has such passes: the default bundle (another build) and a run that skipped them
 * (--no-batch --no-photos, or another --model) fall back to the loads' own steady times, the
 * median over `loads`.
 */
export function firstPhotoSteady(runs: readonly ModelRun[], of: FirstPhotoOf, loads: readonly { steady?: number }[]): SteadyTime {
  const run = of.build === 'wasm' ? runs.find((r) => r.env === 'chromium' && r.model === of.model && r.variant === of.variant) : undefined;
  if (run?.batch && Number.isFinite(run.batch.perPhoto)) return { ms: run.batch.perPhoto, source: 'batch' };
  const walls = run?.samples.photos.map((s) => s.wall).filter((w): w is number => w !== undefined && Number.isFinite(w)) ?? [];
  if (walls.length) return { ms: median(walls), source: 'photos' };
  const own = loads.map((l) => l.steady).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (own.length) return { ms: median(own), source: 'loads' };
  return { ms: NaN };
}

/** Issue 18's check of a first photo: its time against the download plus twice the steady time. */
export function firstPhotoBudget(total: number, fetch: number | undefined, steady: SteadyTime): { budget: number; ratio: number; within?: boolean; text: string } {
  const budget = (fetch ?? NaN) + 2 * steady.ms;
  const ratio = total / budget;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const known = Number.isFinite(ratio);
  const verdict = !known ? 'not known (no download or steady time)' : ratio <= 1 ? `within it (${ratio.toFixed(2)}x)` : `OVER it by ${s(total - budget)} (${ratio.toFixed(2)}x)`;
  const from = steady.source ? ` (${STEADY_SOURCE[steady.source]})` : '';
  return { budget, ratio, within: known ? ratio <= 1 : undefined, text: `first photo ${s(total)} against download ${s(fetch ?? NaN)} + 2 x steady ${s(steady.ms)}${from} = ${s(budget)}: ${verdict}` };
}
