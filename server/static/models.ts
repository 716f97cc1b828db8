/** Serves /models/* from MODELS_DIR: only the files models/manifest.json lists, cached for a year. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { sendFile, statFile } from './send-file.ts';

/** File names the manifest lists; anything else under /models is a 404, which also rules out traversal. */
export function readModelFiles(modelsDir: string): Set<string> {
  try {
    const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as {
      models?: { file?: unknown }[];
    };
    const files = (manifest.models ?? []).map((m) => m.file).filter((f): f is string => typeof f === 'string');
    return new Set(['manifest.json', ...files.filter((f) => /^[\w.-]+$/.test(f) && !f.startsWith('.'))]);
  } catch {
    return new Set();
  }
}

/** The /models sub-app. Model URLs carry `?v=<sha256>`, so the bytes behind one URL never change. */
export function modelRoutes(modelsDir: string) {
  const files = readModelFiles(modelsDir);
  return new Hono().get('/:file', async (c) => {
    const name = c.req.param('file');
    if (!files.has(name)) return c.text('Not found', 404);
    const path = join(modelsDir, name);
    const info = await statFile(path);
    if (!info) return c.text('Not found', 404);
    // The manifest itself changes when models do, so it is revalidated; the weights are immutable.
    const cacheControl = name === 'manifest.json' ? 'no-cache' : 'public, max-age=31536000, immutable';
    return sendFile(c.req.raw, path, info, { cacheControl, ranges: true });
  });
}
