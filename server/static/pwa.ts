/** Serves the built PWA from DIST_DIR, with index.html for client-side routes. */
import { basename, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import { handleNotFound } from '../errors.ts';
import { sendFile, statFile } from './send-file.ts';

/** Files that must be revalidated on every load so a deploy is picked up (the SW decides when to swap). */
const alwaysRevalidate = new Set(['index.html', 'sw.js', 'registerSW.js', 'manifest.webmanifest']);

/** Maps a URL path to a file inside root, or null when it would escape root or is hidden. */
export function resolveInside(root: string, urlPath: string): string | null {
  if (urlPath.includes('\0') || urlPath.includes('\\')) return null;
  const segments = urlPath.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const full = resolve(root, ...segments);
  return full === root || full.startsWith(root + sep) ? full : null;
}

/** The catch-all sub-app for the PWA; mounted last so the API and /models win. */
export function pwaRoutes(distDir: string) {
  const root = resolve(distDir);
  return new Hono().get('*', async (c) => {
    // Unknown API paths get the API's JSON 404, never the app shell.
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return handleNotFound(c);
    // Nothing under /models is a client route; the models sub-app has already answered what exists.
    if (c.req.path.startsWith('/models/')) return c.text('Not found', 404);
    const path = resolveInside(root, c.req.path);
    if (path === null) return c.text('Not found', 404);
    const info = await statFile(path);
    if (info) {
      // Vite puts content-hashed files under /assets/, so their bytes never change.
      const cacheControl = c.req.path.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : alwaysRevalidate.has(basename(path))
          ? 'no-cache'
          : 'public, max-age=3600, must-revalidate';
      return sendFile(c.req.raw, path, info, { cacheControl });
    }
    // A path with a file extension is a missing file; anything else is a client route.
    if (basename(c.req.path).includes('.')) return c.text('Not found', 404);
    const index = join(root, 'index.html');
    const indexInfo = await statFile(index);
    if (!indexInfo) return c.text('The PWA is not built yet: run `npm run build`.', 404);
    return sendFile(c.req.raw, index, indexInfo, { cacheControl: 'no-cache' });
  });
}
