/**
 * Exporting a finished job as a file, with its current touch-ups, background, format and
 * size, in the export worker. Used by the editor's download link and by "Download all".
 */
import { CutoutClient } from '../cutout/client.ts';
import type { OutputFormat } from '../cutout/encode.ts';
import type { ExportBackground } from '../cutout/export.ts';
import { existingEdits, TRANSPARENT_BACKGROUND } from './edits.svelte.ts';
import type { ExportSize } from './export-size.ts';
import type { Job } from './jobs.svelte.ts';
import { cutoutFileName } from './naming.ts';

export interface ExportOptions {
  format?: OutputFormat;
  size?: ExportSize;
  background?: ExportBackground;
  /** Encoder quality for WebP and JPEG, 0..1. */
  quality?: number;
  signal?: AbortSignal;
}

let client: CutoutClient | undefined;

/** The client whose export worker runs exports (lazily made; the page may share its own). */
export function useExportClient(c: CutoutClient): void {
  client = c;
}

/**
 * Exports a finished job with its current edits (or, for what they do not set, PNG,
 * transparent, standard size); options override. Resolves with the file and its name.
 */
export async function exportJob(job: Job, options: ExportOptions = {}): Promise<{ blob: Blob; name: string }> {
  const result = job.result;
  if (!result) throw new Error(`${job.name} has no cutout to export`);
  const edits = existingEdits(job);
  const format = options.format ?? edits?.format ?? 'png';
  const size = options.size ?? edits?.size ?? 'standard';
  const background = options.background ?? edits?.background ?? TRANSPARENT_BACKGROUND;
  // The matte's buffer is transferred to the worker: send a copy, the page keeps its own.
  const alpha = (edits?.currentAlpha ?? result.alpha).slice();
  client ??= new CutoutClient();
  const blob = await client.exportCutout(options.signal, job.file, alpha, result.width, result.height, {
    format,
    size,
    background,
    quality: options.quality,
  });
  return { blob, name: cutoutFileName(job.name, format) };
}

/** The file name `exportJob` gives a job now (its chosen format, PNG by default). */
export function exportName(job: Job): string {
  return cutoutFileName(job.name, existingEdits(job)?.format ?? 'png');
}

/** Exports a job with its current edits and saves the file, as a click on a download link would. */
export async function downloadJob(job: Job, options: ExportOptions = {}): Promise<void> {
  const { blob, name } = await exportJob(job, options);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
