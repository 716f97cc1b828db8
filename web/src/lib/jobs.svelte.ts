/**
 * The list of photos being cut out, as Svelte state. Each job goes queued -> cutting ->
 * done or failed; the engine runs them one at a time.
 */
import type { CutoutClient, CutResult } from '../cutout/client.ts';
import { isAbortError } from '../cutout/errors.ts';
import type { Stage } from '../cutout/pipeline.ts';
import { describeError } from './errors.ts';
import { cutoutFileName } from './naming.ts';

export type JobState = 'queued' | 'cutting' | 'done' | 'failed' | 'cancelled';

export class Job {
  readonly id: number;
  readonly file: File;
  readonly name: string;
  readonly sourceUrl: string;
  state = $state<JobState>('queued');
  stage = $state<Stage | undefined>();
  error = $state<string | undefined>();
  result = $state.raw<CutResult | undefined>();
  resultUrl = $state<string | undefined>();
  readonly controller = new AbortController();

  constructor(id: number, file: File) {
    this.id = id;
    this.file = file;
    this.name = file.name || 'pasted-image.png';
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

export class JobList {
  jobs = $state<Job[]>([]);
  #nextId = 1;
  readonly #client: CutoutClient;

  constructor(client: CutoutClient) {
    this.#client = client;
  }

  /** Adds photos to the queue and starts each as the engine frees up. */
  add(files: Iterable<File>): void {
    for (const file of files) {
      const job = new Job(this.#nextId++, file);
      this.jobs.push(job);
      void this.#run(job);
    }
  }

  async #run(job: Job): Promise<void> {
    try {
      const result = await this.#client.cut(job.controller.signal, job.file, { format: 'png' }, (stage) => {
        job.state = 'cutting';
        job.stage = stage;
      });
      job.result = result;
      job.resultUrl = URL.createObjectURL(result.file);
      job.state = 'done';
    } catch (err) {
      if (isAbortError(err)) {
        job.state = 'cancelled';
      } else {
        job.error = describeError(err);
        job.state = 'failed';
      }
    } finally {
      job.stage = undefined;
    }
  }

  cancel(job: Job): void {
    job.controller.abort();
  }

  remove(job: Job): void {
    job.controller.abort();
    job.dispose();
    this.jobs = this.jobs.filter((j) => j !== job);
  }
}
