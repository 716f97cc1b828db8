/**
 * Which files are taken for images when a folder is given (the CLI, the bench) or dropped
 * on the page: every format the decode stage reads (JPEG, PNG, WebP, AVIF, GIF, BMP),
 * by extension, with `.jfif` for JPEG. The decode stage still checks the bytes.
 */

/** Image file extensions, lower case, with the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.jfif', '.png', '.webp', '.avif', '.gif', '.bmp'];

/** True when the extension of `name` (a file name or path) is one of IMAGE_EXTENSIONS, in any case. */
export function isImageFileName(name: string): boolean {
  const base = name.slice(name.replace(/\\/g, '/').lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  // A name that starts with its only dot (".jpg") has no extension, as path.extname says.
  return dot > 0 && IMAGE_EXTENSIONS.includes(base.slice(dot).toLowerCase());
}
