/** The formats a cutout can be saved in, and each one's file extension. */
export type OutputFormat = 'png' | 'webp' | 'jpeg';

/** Every output format, in the order the PWA and the CLI list them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'webp', 'jpeg'];

/** The file extension of each output format, without the dot. */
export const EXTENSION: Record<OutputFormat, string> = { png: 'png', webp: 'webp', jpeg: 'jpg' };
