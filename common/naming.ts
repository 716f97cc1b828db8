/** File names for results: `photo.jpg` gives `photo-cutout.png`. */
import { EXTENSION, type OutputFormat } from './output-format.ts';

/** The download name for the cutout of `original` in `format`. */
export function cutoutFileName(original: string, format: OutputFormat = 'png'): string {
  const base = original.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'photo';
  return `${base}-cutout.${EXTENSION[format]}`;
}
