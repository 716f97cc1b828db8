/** What the bench measures, shared by its runners and its report: stage samples, runs, memory figures. */
import { STAGES, type Stage, type StageTimings } from '../../web/src/cutout/pipeline.ts';
import { median } from '../lib/median.ts';

export type Env = 'node' | 'chromium';
export type Column = Stage | 'total';
export const COLUMNS: readonly Column[] = [...STAGES, 'total'];

/** How long one photo may take in a browser before the bench gives up on it. */
export const PHOTO_TIMEOUT_MS = 15 * 60_000;

/**
 * One photo's stage times, in ms; in Chromium also `wall`: the page's own clock from the
 * file input's change event to the card showing the cutout (queue, transfers, the worker's
 * stages and the page's work).
 */
export type Sample = Record<Column, number> & {
  wall?: number;
  /**
   * Chromium: CPU seconds of every process of the browser over the same span (from /proc),
   * and of those outside the page's workers (the page's own thread, compositing, GPU and
   * browser processes). Unlike wall time, these hold when other work shares the machine.
   */
  cpu?: number;
  cpuOutside?: number;
  /** Chromium: the photo's file name, for the per-photo table. */
  file?: string;
};

/** Chromium's batch pass: every photo chosen at once, the page's clock from the change event to each card done. */
export interface BatchFigures {
  photos: number;
  /** ms from the change event to the first and to the last card done. */
  firstDone: number;
  lastDone: number;
  /** Steady time per photo: (last − first) / (photos − 1). */
  perPhoto: number;
  /** CPU seconds of the whole browser over the batch (choosing to last card done), per photo. */
  cpuPerPhoto?: number;
}

export interface PhotoSet {
  /** "photos" (the folder) or "large". */
  name: 'photos' | 'large';
  label: string;
  files: string[];
}

/** What one environment measured for one model. */
export interface ModelRun {
  env: Env;
  /** Which build ran ("old" for --old-dist); undefined for the working tree's. */
  variant?: string;
  model: string;
  backend: string;
  threads: number;
  samples: Record<PhotoSet['name'], Sample[]>;
  failures: { file: string; error: string }[];
  memory: MemoryFigures;
  /** Chromium only: which /models/ files the page fetched (checks that ?model= was honoured). */
  modelRequests?: string[];
  /** Chromium only: the browser's version. */
  browserVersion?: string;
  /** Chromium only: the batch pass. */
  batch?: BatchFigures;
}

/**
 * Memory around the large photo, MiB. `idle`: the process (Node) or the page's renderers
 * (Chromium) before the model is opened; `before`: with the model open, just before the
 * large photo; `peak`: sampled every 100 ms during it; `hwm`: the kernel's VmHWM peak over
 * the same span (exact, not sampled; for Chromium the largest single renderer's).
 */
export interface MemoryFigures {
  idle?: number;
  before?: number;
  peak?: number;
  hwm?: number;
  /** Node: largest external / arrayBuffers / heapUsed seen at stage boundaries. */
  external?: number;
  arrayBuffers?: number;
  heapUsed?: number;
  /** Chromium: performance.measureUserAgentSpecificMemory() after the large photo (current, not peak). */
  workerNow?: number;
  pageNow?: number;
  note?: string;
}

/** Progress on stderr: stdout carries only the tables and the JSON line. */
export const log = (msg: string) => console.error(`[bench] ${msg}`);

const MiB = 1024 * 1024;
/** Bytes as MiB, one decimal. */
export const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
/** KiB (as /proc gives them) as MiB, one decimal. */
export const kibToMib = (kib: number | undefined) => (kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stages an older build (`--old-dist`) may not report: counted as 0 there. */
const ADDED_STAGES: readonly Stage[] = ['zoom', 'matting'];

/** A pipeline's stage timings (plus encode) as a sample with its total; throws when a stage has no time. */
export function toSample(timings: StageTimings): Sample {
  const sample = {} as Sample;
  let total = 0;
  for (const stage of STAGES) {
    const ms = timings[stage] ?? (ADDED_STAGES.includes(stage) ? 0 : undefined);
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`no time for stage ${stage} in ${JSON.stringify(timings)}`);
    sample[stage] = ms;
    total += ms;
  }
  sample.total = total;
  return sample;
}

/** Per-column medians; `total` is the median of each photo's total, not a sum of medians. */
export function medians(samples: Sample[]): Record<Column, number> {
  const out = {} as Record<Column, number>;
  for (const c of COLUMNS) out[c] = Math.round(median(samples.map((s) => s[c])) * 10) / 10;
  return out;
}

/** Milliseconds for a table: whole from 100 up, one decimal below, '-' for none. */
export const fmtMs = (ms: number) => (Number.isNaN(ms) ? '-' : ms >= 100 ? Math.round(ms).toString() : ms.toFixed(1));

/** One sample as a progress line. */
export const fmtSample = (s: Sample) =>
  `total ${(s.total / 1000).toFixed(1)} s (infer ${(s.infer / 1000).toFixed(1)} s, refine ${(s.refine / 1000).toFixed(2)} s)${s.cpu === undefined ? '' : `, ${s.cpu.toFixed(2)} CPU s (${s.cpuOutside?.toFixed(2)} outside workers)`}`;
