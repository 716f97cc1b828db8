/** Saving a file from the page, as a click on a download link would. */

/** Saves the file at `url` (an object URL the caller keeps) under `name`. */
export function saveUrl(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
}

/** Saves `blob` under `name`; its object URL is revoked a minute later, once the download has surely started. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  saveUrl(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
