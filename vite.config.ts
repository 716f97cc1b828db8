import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { manifest } from './web/src/cutout/model.ts';
import { securityHeaders } from './server/middleware/security-headers.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Serves models/*.onnx at /models/ in the dev server, as the real server does. */
function serveModels(): Plugin {
  const files = new Set(manifest.models.map((m) => m.file));
  return {
    name: 'clearcut-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '').split('?')[0].replace(/^\//, ''));
        const path = join(root, 'models', name);
        if (!files.has(name) || !existsSync(path)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(path).size));
        createReadStream(path).pipe(res);
      });
    },
  };
}

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  plugins: [svelte(), serveModels()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // onnxruntime-web's wasm binaries are large by nature; they are separate files.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
  // Pre-bundling would break onnxruntime-web's own `new URL(..., import.meta.url)` lookups.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: securityHeaders({ https: false }), port: 5173 },
  preview: { headers: securityHeaders({ https: false }) },
});
