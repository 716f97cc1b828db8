/**
 * Exporting a finished job as a file, with its current touch-ups, background, format (and
 * its quality), size and layout, in the engine's export worker. Used by the editor's download link and by "Download all".
 */
import { canvasLimitFrom } from '../cutout/canvas-limit.ts';
import { DEFAULT_QUALITY, takesQuality, type OutputFormat } from '../../../common/output-format.ts';
import type { ExportBackground, ExportLayout } from '../cutout/export.ts';
import { credits } from '../account/credits.svelte.ts';
import { engine } from './engine.svelte.ts';
import { existingEdits, PLAIN_LAYOUT, TRANSPARENT_BACKGROUND } from './edits.svelte.ts';
import { exportDimensions, type ExportSize } from '../../../common/export-size.ts';
import type { Job } from './jobs.svelte.ts';
import { cutoutFileName } from '../../../common/naming.ts';
import { saveBlob } from './save-file.ts';

export interface ExportOptions {
  format?: OutputFormat;
  size?: ExportSize;
  background?: ExportBackground;
  /** Encoder quality for WebP and JPEG, 1 to 100. */
  quality?: number;
  signal?: AbortSignal;
}

/** Tells background images apart in an export's settings (a Blob has no id of its own). */
const blobIds = new WeakMap<Blob, number>();
let nextBlobId = 1;

/** One string for everything that makes two exports of a job the same file. */
function exportSettings(size: ExportSize, format: OutputFormat, background: ExportBackground, layout: ExportLayout, version: number, quality?: number): string {
  let bg: string;
  if (background.kind === 'image') {
    if (!blobIds.has(background.file)) blobIds.set(background.file, nextBlobId++);
    bg = `image:${blobIds.get(background.file)}`;
  } else bg = JSON.stringify(background);
  // Quality changes the file only where the format takes one.
  const q = takesQuality(format) ? (quality ?? DEFAULT_QUALITY[format]) : '';
  return [size, format, bg, JSON.stringify(layout), version, q].join('|');
}

/**
 * Exports a finished job with its current edits (or, for what they do not set, PNG,
 * transparent, standard size, the photo's own frame); options override format, size, background and quality. Resolves with the file and its name.
 * An export that is not free (see exportDimensions) is paid for first, through
 * `credits.chargeExport`, under one idempotency key per job and settings: it throws
 * CreditsError when it cannot be paid, and a retry of the same export is not charged again.
 */
export async function exportJob(job: Job, options: ExportOptions = {}): Promise<{ blob: Blob; name: string }> {
  const result = job.result;
  if (!result) throw new Error(`${job.name} has no cutout to export`);
  const edits = existingEdits(job);
  const format = options.format ?? edits?.format ?? 'png';
  const size = options.size ?? edits?.size ?? 'standard';
  const background = options.background ?? edits?.background ?? TRANSPARENT_BACKGROUND;
  const layout = edits?.layout ?? PLAIN_LAYOUT;
  const quality = options.quality ?? edits?.quality;
  // The framed picture's size (the edits frame it from the matte they export), or the photo's.
  const dims = edits ? edits.exportDimensions(size) : exportDimensions(result.width, result.height, size);
  if (!dims.free) {
    await credits.chargeExport(dims, credits.exportKey(job, exportSettings(size, format, background, layout, edits?.version ?? 0, quality)));
    options.signal?.throwIfAborted();
  }
  // The matte's buffer is transferred to the worker: send a copy, the page keeps its own.
  const alpha = (edits?.currentAlpha ?? result.alpha).slice();
  const blob = await engine.bridge.export(options.signal, job.file, alpha, result.width, result.height, {
    format,
    size,
    background,
    layout,
    quality,
    canvasMaxPixels: canvasLimitFrom(location.search),
  });
  return { blob, name: cutoutFileName(job.name, format, size) };
}

/**
 * Whether exporting a job now, with its current edits, spends a credit: a full-resolution
 * export not paid for yet (doing one again is free). "Download all" says how many of its
 * files will, before it spends anything.
 */
export function isPaidExport(job: Job): boolean {
  const result = job.result;
  if (!result) return false;
  const edits = existingEdits(job);
  const size = edits?.size ?? 'standard';
  const dims = edits ? edits.exportDimensions(size) : exportDimensions(result.width, result.height, size);
  if (dims.free) return false;
  const settings = exportSettings(size, edits?.format ?? 'png', edits?.background ?? TRANSPARENT_BACKGROUND, edits?.layout ?? PLAIN_LAYOUT, edits?.version ?? 0, edits?.quality);
  return !credits.paidFor(job, settings);
}

/** The file name `exportJob` gives a job now (its chosen format and size; PNG at standard size by default). */
export function exportName(job: Job): string {
  const edits = existingEdits(job);
  return cutoutFileName(job.name, edits?.format ?? 'png', edits?.size ?? 'standard');
}

/** Exports a job with its current edits and saves the file, as a click on a download link would. */
export async function downloadJob(job: Job, options: ExportOptions = {}): Promise<void> {
  const { blob, name } = await exportJob(job, options);
  saveBlob(blob, name);
}
