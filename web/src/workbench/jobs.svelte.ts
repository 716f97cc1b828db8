/**
 * The batch of photos being cut out, as Svelte state. Each job goes queued -> cutting ->
 * done, failed (with the reason) or cancelled; the engine runs them one at a time.
 */
import type { CutoutBridge, CutResult } from '../cutout/bridge.ts';
import { isSvgFile, SVG_REFUSAL } from '../cutout/decode.ts';
import { isAbortError } from '../cutout/errors.ts';
import type { Stage } from '../cutout/pipeline.ts';
import { describeError, isRetryable } from './errors.ts';
import { cutoutFileName } from '../../../common/naming.ts';
import { jobProgress, summarize, type JobState } from './queue.ts';

export type { JobState } from './queue.ts';

export class Job {
  readonly id: number;
  readonly file: File;
  readonly name: string;
  readonly sourceUrl: string;
  state = $state<JobState>('queued');
  stage = $state<Stage | undefined>();
  stageStarted = 0;
  error = $state<string | undefined>();
  /** A failure that trying again could mend (not a file that cannot be read, nor one too large). */
  retryable = $state(true);
  result = $state.raw<CutResult | undefined>();
  resultUrl = $state<string | undefined>();
  controller = new AbortController();

  constructor(id: number, file: File) {
    this.id = id;
    this.file = file;
    this.name = file.name || `pasted-image-${id}.png`;
    this.sourceUrl = URL.createObjectURL(file);
  }

  get downloadName(): string {
    return cutoutFileName(this.name, 'png');
  }

  dispose(): void {
    URL.revokeObjectURL(this.sourceUrl);
    if (this.resultUrl) URL.revokeObjectURL(this.resultUrl);
  }
}

export interface JobListOptions {
  /** Extra request fields for each cut (the chosen model). */
  request?: () => { modelId?: string; canvasMaxPixels?: number };
  /** Called when a job finishes (to keep it in the history). */
  onDone?: (job: Job) => void;
}

export class JobList {
  jobs = $state<Job[]>([]);
  /** Ticks while a job runs, so progress estimates move. */
  now = $state(performance.now());
  /** Mean inference and whole-job times of the finished jobs, for estimates. */
  #inferMs: number[] = $state([]);
  #jobMs: number[] = $state([]);
  #nextId = 1;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #bridge: CutoutBridge;
  readonly #options: JobListOptions;

  constructor(bridge: CutoutBridge, options: JobListOptions = {}) {
    this.#bridge = bridge;
    this.#options = options;
  }

  /** Adds photos to the queue (each starts as the engine frees up) and returns their jobs. */
  add(files: Iterable<File>): Job[] {
    const added: Job[] = [];
    for (const file of files) {
      const job = new Job(this.#nextId++, file);
      this.jobs.push(job);
      added.push(job);
      if (isSvgFile(file)) {
        // Said at once, not after waiting for the model: no cut can help a drawing.
        job.error = SVG_REFUSAL;
        job.retryable = false;
        job.state = 'failed';
      } else void this.#run(job);
    }
    return added;
  }

  /** 0..1 for one job. */
  progress(job: Job): number {
    if (job.state === 'done') return 1;
    if (job.state !== 'cutting') return 0;
    return jobProgress(job.stage, this.now - job.stageStarted, mean(this.#inferMs) ?? 10_000);
  }

  /** Counts, overall fraction and time left. */
  get summary() {
    return summarize(this.jobs.map((j) => ({ state: j.state, progress: this.progress(j) })), mean(this.#jobMs));
  }

  async #run(job: Job): Promise<void> {
    job.state = 'queued';
    job.error = undefined;
    this.#tick(true);
    try {
      const signal = job.controller.signal;
      const result = await this.#bridge.cut(signal, job.file, { format: 'png', ...this.#options.request?.() }, (stage) => {
        // The worker may still report a stage of a cut cancelled a moment ago: it stays cancelled.
        if (signal.aborted) return;
        job.state = 'cutting';
        job.stage = stage;
        job.stageStarted = performance.now();
      });
      job.result = result;
      job.resultUrl = URL.createObjectURL(result.file);
      job.state = 'done';
      const t = result.timings;
      if (t.infer) this.#inferMs.push(t.infer);
      this.#jobMs.push(Object.values(t).reduce<number>((s, v) => s + (v ?? 0), 0));
      this.#options.onDone?.(job);
    } catch (err) {
      if (isAbortError(err)) job.state = 'cancelled';
      else {
        job.error = describeError(err);
        job.retryable = isRetryable(err);
        job.state = 'failed';
      }
    } finally {
      job.stage = undefined;
      this.#tick(this.jobs.some((j) => j.state === 'queued' || j.state === 'cutting'));
    }
  }

  #tick(running: boolean): void {
    if (running && !this.#timer) this.#timer = setInterval(() => (this.now = performance.now()), 250);
    if (!running && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops one job (queued or running). */
  cancel(job: Job): void {
    job.controller.abort();
  }

  /** Stops every job that has not finished. */
  cancelAll(): void {
    for (const job of this.jobs) if (job.state === 'queued' || job.state === 'cutting') job.controller.abort();
  }

  /** Queues a failed or cancelled job again. */
  retry(job: Job): void {
    if ((job.state !== 'failed' || !job.retryable) && job.state !== 'cancelled') return;
    job.controller = new AbortController();
    void this.#run(job);
  }

  /** Removes one job (cancelling it first). */
  remove(job: Job): void {
    job.controller.abort();
    job.dispose();
    this.jobs = this.jobs.filter((j) => j !== job);
  }

  /** Cancels and removes every job. */
  clear(): void {
    for (const job of this.jobs) {
      job.controller.abort();
      job.dispose();
    }
    this.jobs = [];
  }

  /** The finished jobs, in order. */
  get finished(): Job[] {
    return this.jobs.filter((j) => j.state === 'done');
  }
}

function mean(values: readonly number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}
