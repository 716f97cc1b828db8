/**
 * File names for results: `photo.jpg` gives `photo-cutout.png`, and its full-size export
 * `photo-cutout-full.png`, so the two sizes of one photo never take each other's name.
 */
import type { ExportSize } from './export-size.ts';
import { EXTENSION, type OutputFormat } from './output-format.ts';

/** The download name for the cutout of `original` in `format`, at `size` (full size says so). */
export function cutoutFileName(original: string, format: OutputFormat = 'png', size: ExportSize = 'standard'): string {
  const base = original.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'photo';
  return `${base}-cutout${size === 'full' ? '-full' : ''}.${EXTENSION[format]}`;
}
