/**
 * Photos that arrive from outside the page: shared to the installed app ("Share →
 * clearcut", the manifest's share_target; web/public/share-target-sw.js keeps them in
 * Cache Storage and opens /?shared=N) or opened with it ("Open with → clearcut", the
 * manifest's file_handlers, delivered through window.launchQueue).
 */

/** The cache the service worker puts shared photos in (web/public/share-target-sw.js). */
export const SHARED_CACHE = 'clearcut-shared-v1';

interface LaunchParams {
  files: FileSystemFileHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** The photos the service worker kept from a share, taken out of its cache (so they are added once). */
export async function takeSharedPhotos(): Promise<File[]> {
  if (!('caches' in self)) return [];
  const cache = await caches.open(SHARED_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    await cache.delete(request);
    if (!response) continue;
    const name = decodeURIComponent(response.headers.get('X-File-Name') ?? 'shared photo');
    files.push(new File([await response.blob()], name, { type: response.headers.get('Content-Type') ?? '' }));
  }
  return files;
}

/**
 * Hands every incoming photo to `add`: a share that opened this page (`?shared` in the
 * address, which is then removed so a reload adds nothing) and files the app is opened with.
 */
export function receiveIncomingPhotos(add: (files: File[]) => void): void {
  const url = new URL(location.href);
  if (url.searchParams.has('shared')) {
    url.searchParams.delete('shared');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    void takeSharedPhotos().then((files) => files.length && add(files)).catch(() => {});
  }
  const launchQueue = (window as unknown as { launchQueue?: LaunchQueue }).launchQueue;
  launchQueue?.setConsumer((params) => {
    void Promise.all(params.files.map((handle) => handle.getFile())).then((files) => files.length && add(files)).catch(() => {});
  });
}
