/** Serves the built PWA from DIST_DIR, with index.html for client-side routes. */
import type { Stats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import { handleNotFound } from '../errors.ts';
import { contentTypeFor, sendFile, statFile } from './send-file.ts';

/** Files that must be revalidated on every load so a deploy is picked up (the SW decides when to swap). */
const alwaysRevalidate = new Set(['index.html', 'sw.js', 'registerSW.js', 'manifest.webmanifest']);

/**
 * How long a file may be cached: a year, immutable, for content-hashed names (Vite's
 * /assets/, Workbox's runtime `workbox-<hash>.js`), whose bytes never change; revalidated
 * on every load for the files that announce a deploy; an hour for the rest (icons).
 */
export function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/assets/') || /^\/workbox-[\da-f]{8}\.js$/.test(urlPath)) return 'public, max-age=31536000, immutable';
  if (alwaysRevalidate.has(basename(urlPath))) return 'no-cache';
  return 'public, max-age=3600, must-revalidate';
}

/** Maps a URL path to a file inside root, or null when it would escape root or is hidden. */
export function resolveInside(root: string, urlPath: string): string | null {
  if (urlPath.includes('\0') || urlPath.includes('\\')) return null;
  const segments = urlPath.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const full = resolve(root, ...segments);
  return full === root || full.startsWith(root + sep) ? full : null;
}

/** The encodings a request accepts, in the order we prefer them: brotli, then gzip. */
export function acceptedEncodings(acceptEncoding: string | null): ('br' | 'gzip')[] {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    weights.set((token ?? '').trim(), q ? Number(q[1]) : 1);
  }
  const accepts = (name: string) => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(accepts);
}

const suffix = { br: '.br', gzip: '.gz' } as const;

/**
 * Sends the build's precompressed `.br` or `.gz` beside path when the request accepts it
 * (scripts/lib/precompress.ts makes them for JS, CSS, .wasm and other text), else the file.
 */
async function sendBest(request: Request, path: string, info: Stats, cacheControl: string): Promise<Response> {
  const accepted = acceptedEncodings(request.headers.get('accept-encoding'));
  for (const encoding of accepted) {
    const variant = path + suffix[encoding];
    const variantInfo = await statFile(variant);
    // A variant older than its file is stale (the file was replaced after the build): never sent.
    if (variantInfo && variantInfo.mtimeMs >= info.mtimeMs) {
      const contentType = contentTypeFor(path);
      return sendFile(request, variant, variantInfo, { cacheControl, contentType, contentEncoding: encoding, varyEncoding: true });
    }
  }
  // Caches must still know that this URL has compressed variants for other requests.
  const hasVariant = (await statFile(path + suffix.br)) !== null || (await statFile(path + suffix.gzip)) !== null;
  return sendFile(request, path, info, { cacheControl, varyEncoding: hasVariant });
}

/** The catch-all sub-app for the PWA; mounted last so the API and /models win. */
export function pwaRoutes(distDir: string) {
  const root = resolve(distDir);
  return new Hono()
    // The installed app's share target is answered by its service worker, which keeps the
    // photos on the device. Without one (never opened, or unregistered) the POST lands here:
    // its body is never read, and the page is told the share could not be taken.
    .post('/share-target', (c) => c.redirect('/?shared=unavailable', 303))
    .get('*', async (c) => {
      // Unknown API paths get the API's JSON 404, never the app shell.
      if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return handleNotFound(c);
      // Nothing under /models is a client route; the models sub-app has already answered what exists.
      if (c.req.path.startsWith('/models/')) return c.text('Not found', 404);
      const path = resolveInside(root, c.req.path);
      if (path === null) return c.text('Not found', 404);
      const info = await statFile(path);
      if (info) {
        return await sendBest(c.req.raw, path, info, cacheControlFor(c.req.path));
      }
      // A path with a file extension is a missing file; anything else is a client route.
      if (basename(c.req.path).includes('.')) return c.text('Not found', 404);
      const index = join(root, 'index.html');
      const indexInfo = await statFile(index);
      if (!indexInfo) return c.text('The PWA is not built yet: run `npm run build`.', 404);
      return await sendBest(c.req.raw, index, indexInfo, 'no-cache');
    });
}
