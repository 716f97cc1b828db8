import { describe, expect, it } from 'vitest';
import { formatEta, jobProgress, summarize } from '../../../web/src/workbench/queue.ts';

describe('jobProgress', () => {
  it('is 0 before a job starts and counts the stages already done', () => {
    expect(jobProgress(undefined, 0, 10_000)).toBe(0);
    expect(jobProgress('decode', 0, 10_000)).toBe(0);
    expect(jobProgress('infer', 0, 10_000)).toBeCloseTo(0.04);
    expect(jobProgress('refine', 0, 10_000)).toBeCloseTo(0.92);
    expect(jobProgress('encode', 0, 10_000)).toBeCloseTo(0.98);
  });

  it('moves through inference with the time spent against the expected time, never quite reaching its end', () => {
    expect(jobProgress('infer', 5_000, 10_000)).toBeCloseTo(0.04 + 0.88 * 0.5);
    expect(jobProgress('infer', 60_000, 10_000)).toBeCloseTo(0.04 + 0.88 * 0.95);
  });
});

describe('summarize', () => {
  it('counts done, failed and remaining jobs, leaving cancelled ones out', () => {
    const s = summarize(
      [
        { state: 'done', progress: 1 },
        { state: 'failed', progress: 0 },
        { state: 'cancelled', progress: 0 },
        { state: 'cutting', progress: 0.5 },
        { state: 'queued', progress: 0 },
      ],
      10_000,
    );
    expect(s).toEqual({ total: 4, done: 1, failed: 1, remaining: 2, fraction: (1 + 1 + 0.5) / 4, etaMs: 15_000 });
  });

  it('has no estimate before a job has finished, and none needed when nothing is left', () => {
    expect(summarize([{ state: 'queued', progress: 0 }], undefined).etaMs).toBeUndefined();
    expect(summarize([{ state: 'done', progress: 1 }], undefined).etaMs).toBe(0);
    expect(summarize([], undefined)).toEqual({ total: 0, done: 0, failed: 0, remaining: 0, fraction: 0, etaMs: 0 });
  });
});

describe('formatEta', () => {
  it('speaks in seconds, then minutes', () => {
    expect(formatEta(undefined)).toBe('estimating time left…');
    expect(formatEta(2_000)).toBe('less than 5 s left');
    expect(formatEta(40_000)).toBe('about 40 s left');
    expect(formatEta(150_000)).toBe('about 3 min left');
  });
});
