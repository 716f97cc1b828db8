/** The formats a cutout can be saved in, and each one's file extension. */
export type OutputFormat = 'png' | 'webp' | 'jpeg';

/** Every output format, in the order the PWA and the CLI list them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'webp', 'jpeg'];

/** The file extension of each output format, without the dot. */
export const EXTENSION: Record<OutputFormat, string> = { png: 'png', webp: 'webp', jpeg: 'jpg' };

/** Whether a format's encoder takes a quality: WebP and JPEG are lossy, PNG is exact. */
export const takesQuality = (format: OutputFormat): format is 'webp' | 'jpeg' => format !== 'png';

/** The encoder quality, 1 to 100, when none is chosen (the editor's slider, the CLI's --quality). */
export const DEFAULT_QUALITY: Record<'webp' | 'jpeg', number> = { webp: 90, jpeg: 92 };

/** The qualities an encoder is given: whole numbers within these bounds. */
export const QUALITY_RANGE = { min: 1, max: 100 } as const;

/** Whether `n` is a quality the encoders take. */
export const isQuality = (n: number) => Number.isInteger(n) && n >= QUALITY_RANGE.min && n <= QUALITY_RANGE.max;
