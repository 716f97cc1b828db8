/**
 * The workbench's state: the batch of photos, the one open in the editor, and "Download
 * all". It lives as long as the page, not as long as the home page's component, so going
 * to another page and back keeps the batch.
 */
import { canvasLimitFrom } from '../cutout/canvas-limit.ts';
import { engine } from './engine.svelte.ts';
import { exportJob, isPaidExport } from './export.ts';
import { cutoutHistory } from './history.svelte.ts';
import { JobList, type Job } from './jobs.svelte.ts';
import { saveBlob } from './save-file.ts';
import { zipEntries } from './zip.ts';

export class Workbench {
  readonly jobs = new JobList(engine.bridge, {
    request: () => ({ modelId: engine.modelId, canvasMaxPixels: canvasLimitFrom(location.search) }),
    onDone: (job) => {
      // History keeps the free, standard-size export: a full-resolution file is paid for
      // on export, and history must not be a way round that.
      if (job.result && cutoutHistory.enabled) {
        void exportJob(job, { size: 'standard', format: 'png' })
          .then(({ blob, name }) => cutoutHistory.keep({ name, cutout: blob }))
          .catch(() => {});
      }
    },
  });
  /** The finished job open in the editor. */
  editing = $state<Job | undefined>();
  /** The job the person chose to see large; the first of the last photos added until they choose. */
  selected = $state<Job | undefined>();
  /** The job shown large at the top of the results: the chosen one while it is in the batch, else the first. */
  readonly featured = $derived(this.selected && this.jobs.jobs.includes(this.selected) ? this.selected : this.jobs.jobs[0]);
  /** How far "Download all" is, while it zips. */
  zipping = $state<{ added: number; total: number } | undefined>();
  zipError = $state<string | undefined>();
  /** How many of the finished cutouts "Download all" would pay a credit for (a retry of one already paid for is free). */
  readonly paidInZip = $derived(this.jobs.finished.filter(isPaidExport).length);

  /** Queues photos, and starts loading the model if it is not open yet. */
  add(files: File[]): void {
    if (!files.length) return;
    void engine.load();
    const added = this.jobs.add(files);
    // The first new photo comes into view large at once, whatever was shown before.
    this.selected = added[0];
  }

  /** Zips every finished cutout and saves it as one file. */
  async downloadAll(): Promise<void> {
    const jobs = this.jobs.finished;
    if (!jobs.length || this.zipping) return;
    this.zipError = undefined;
    this.zipping = { added: 0, total: jobs.length };
    try {
      const blob = await zipEntries(
        jobs.length,
        (i) => exportJob(jobs[i]),
        (added) => (this.zipping = { added, total: jobs.length }),
      );
      saveBlob(blob, `clearcut-${jobs.length}-cutouts.zip`);
    } catch (err) {
      this.zipError = `The ZIP could not be made: ${err instanceof Error ? err.message : err}`;
    } finally {
      this.zipping = undefined;
    }
  }
}

/** The page's workbench. */
export const workbench = new Workbench();
