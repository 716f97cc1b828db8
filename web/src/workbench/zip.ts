/**
 * "Download all": one ZIP of the finished cutouts, written with fflate's streaming Zip.
 * Each file is produced, added and let go before the next, so the batch is never held
 * twice: once as files and once as the archive. PNG, WebP and JPEG are compressed already,
 * so entries are stored, not deflated.
 */
import { Zip, ZipPassThrough } from 'fflate';

export interface ZipEntry {
  name: string;
  blob: Blob;
}

/** Makes names unique within one archive: `a.png`, `a (2).png`, … */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n === 1) return name;
    const dot = name.lastIndexOf('.');
    return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  });
}

/**
 * Zips entries produced one at a time by `next(i)` (so a caller can export each file
 * lazily), reporting how many are in.
 */
export async function zipEntries(count: number, next: (i: number) => Promise<ZipEntry>, onProgress?: (added: number) => void): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else chunks.push(chunk);
  });
  const taken: string[] = [];
  for (let i = 0; i < count; i++) {
    const entry = await next(i);
    const name = uniqueNames([...taken, entry.name])[taken.length];
    taken.push(entry.name);
    const file = new ZipPassThrough(name);
    zip.add(file);
    file.push(new Uint8Array(await entry.blob.arrayBuffer()), true);
    if (failure) throw failure;
    onProgress?.(i + 1);
  }
  zip.end();
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}
