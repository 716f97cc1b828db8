/*
 * The share target's half in the service worker (imported by the Workbox worker, see
 * vite.config.ts): "Share → clearcut" POSTs the photos as multipart form data to
 * /share-target. They are kept in Cache Storage, never sent anywhere, and the page is
 * opened at /?shared=N, where web/src/workbench/incoming.ts puts them into the batch.
 */
const SHARED_CACHE = 'clearcut-shared-v1';

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== '/share-target') return;
  event.respondWith(
    (async () => {
      const form = await event.request.formData();
      const files = form.getAll('photos').filter((f) => typeof f !== 'string');
      const cache = await caches.open(SHARED_CACHE);
      const stamp = Date.now();
      await Promise.all(
        files.map((file, i) =>
          cache.put(
            `/shared/${stamp}-${i}`,
            new Response(file, { headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name || `shared-${i + 1}`) } }),
          ),
        ),
      );
      return Response.redirect(`/?shared=${files.length}`, 303);
    })(),
  );
});
