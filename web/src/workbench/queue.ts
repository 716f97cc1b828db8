/**
 * Pure arithmetic of the batch queue: how far a job has got, how far the whole batch has
 * got, and how long the rest should take.
 */
import type { Stage } from '../cutout/pipeline.ts';

export type JobState = 'queued' | 'cutting' | 'done' | 'failed' | 'cancelled';

/** Share of a cutout's time each stage takes (inference dominates). */
const STAGE_SHARE: Record<Stage, number> = { decode: 0.02, preprocess: 0.02, infer: 0.88, refine: 0.04, zoom: 0, matting: 0, compose: 0.02, encode: 0.02 };
const ORDER: Stage[] = ['decode', 'preprocess', 'infer', 'refine', 'zoom', 'matting', 'compose', 'encode'];

/**
 * Fraction done of a running job: the stages before `stage`, plus the elapsed share of
 * `stage` against the expected inference time (never quite reaching its end).
 */
export function jobProgress(stage: Stage | undefined, msInStage: number, expectedInferMs: number): number {
  if (!stage) return 0;
  let done = 0;
  for (const s of ORDER) {
    if (s === stage) break;
    done += STAGE_SHARE[s];
  }
  const within = stage === 'infer' && expectedInferMs > 0 ? Math.min(0.95, msInStage / expectedInferMs) : 0;
  return Math.min(1, done + STAGE_SHARE[stage] * within);
}

export interface BatchJob {
  state: JobState;
  /** 0..1 for a running job. */
  progress: number;
}

export interface BatchSummary {
  total: number;
  done: number;
  failed: number;
  remaining: number;
  /** 0..1 over the jobs that will run (cancelled ones leave the count). */
  fraction: number;
  /** Estimated milliseconds left, or undefined before one job has finished. */
  etaMs: number | undefined;
}

/** Counts and an estimate of the time left, from the mean time of finished jobs. */
export function summarize(jobs: readonly BatchJob[], meanJobMs: number | undefined): BatchSummary {
  const counted = jobs.filter((j) => j.state !== 'cancelled');
  const done = counted.filter((j) => j.state === 'done').length;
  const failed = counted.filter((j) => j.state === 'failed').length;
  const pending = counted.filter((j) => j.state === 'queued' || j.state === 'cutting');
  const running = pending.reduce((sum, j) => sum + (j.state === 'cutting' ? j.progress : 0), 0);
  const total = counted.length;
  const fraction = total === 0 ? 0 : (done + failed + running) / total;
  const etaMs = meanJobMs === undefined || pending.length === 0 ? (pending.length === 0 ? 0 : undefined) : (pending.length - running) * meanJobMs;
  return { total, done, failed, remaining: pending.length, fraction, etaMs };
}

/** "about 2 min left", "about 40 s left", or "less than 5 s left". */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return 'estimating time left…';
  const s = Math.round(ms / 1000);
  if (s < 5) return 'less than 5 s left';
  if (s < 90) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}
