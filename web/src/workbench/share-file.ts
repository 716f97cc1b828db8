/**
 * Copying a cutout to the clipboard and sharing it (Web Share with files), where the browser
 * offers them: each is asked of the browser, never assumed from its name, and a browser
 * without one simply shows no button for it.
 */

/** Whether this browser's clipboard takes an image of `type` (those that take any take PNG; few take more). */
export function canCopyImage(type: string): boolean {
  if (type !== 'image/png' || typeof ClipboardItem !== 'function' || typeof navigator.clipboard?.write !== 'function') return false;
  const supports = (ClipboardItem as { supports?: (type: string) => boolean }).supports;
  return supports ? supports(type) : true;
}

/** Puts the image on the clipboard; rejects when the browser refuses (no permission, page not focused). */
export async function copyImage(blob: Blob): Promise<void> {
  await navigator.clipboard.write([new ClipboardItem({ [blob.type]: blob })]);
}

/** The file to share, when this browser shares files (phones, mostly); undefined otherwise. */
export function shareableFile(blob: Blob, name: string): File | undefined {
  if (typeof navigator.canShare !== 'function') return undefined;
  const file = new File([blob], name, { type: blob.type });
  return navigator.canShare({ files: [file] }) ? file : undefined;
}
