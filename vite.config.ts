import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { manifest } from './web/src/cutout/model.ts';
import { IMAGE_EXTENSIONS } from './common/image-files.ts';
import { securityHeaders } from './server/middleware/security-headers.ts';
import { sourceStamp, stampFile } from './scripts/lib/build-stamp.ts';
import { precompressDir } from './scripts/lib/precompress.ts';

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

/** A PNG's `WxH` from its header (bytes 16-23 of the IHDR chunk), as the manifest's `sizes` writes it. */
function pngSize(path: string): string {
  const header = readFileSync(path).subarray(16, 24);
  return `${header.readUInt32BE(0)}x${header.readUInt32BE(4)}`;
}

/**
 * The web app manifest and the Workbox service worker (generateSW). Registered by
 * web/src/shell/pwa.ts with workbox-window: a new version waits until the person says
 * "Reload" (registerType 'prompt': no skipWaiting in the worker, a SKIP_WAITING message
 * listener instead).
 */
function pwa(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    // The icons are in the glob below already; listing them twice only duplicates entries.
    includeManifestIcons: false,
    manifest: {
      name: 'clearcut — background removal on your device',
      short_name: 'clearcut',
      description: 'Remove the background from photos on your own device. Your photos never leave it.',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#1d4ed8',
      background_color: '#f3f4f6',
      lang: 'en',
      icons: [
        { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
      // "Share → clearcut" on a phone: the service worker takes the POST
      // (web/public/share-target-sw.js) and the photos go into the batch.
      share_target: {
        action: '/share-target',
        method: 'POST',
        enctype: 'multipart/form-data',
        params: { files: [{ name: 'photos', accept: ['image/*', ...IMAGE_EXTENSIONS] }] },
      },
      // "Open with → clearcut" on a desktop: files arrive through window.launchQueue (web/src/lib/incoming.ts).
      file_handlers: [
        {
          action: '/',
          accept: {
            'image/jpeg': IMAGE_EXTENSIONS.filter((e) => ['.jpg', '.jpeg', '.jfif'].includes(e)),
            'image/png': ['.png'],
            'image/webp': ['.webp'],
            'image/avif': ['.avif'],
            'image/gif': ['.gif'],
            'image/bmp': ['.bmp'],
          },
        },
      ],
      launch_handler: { client_mode: 'focus-existing' },
      // The richer install dialog (screenshots of the real app, by scripts/screenshots.ts).
      screenshots: [
        { src: '/screenshots/wide.png', sizes: pngSize(join(root, 'web/public/screenshots/wide.png')), type: 'image/png', form_factor: 'wide', label: 'Three photos cut out in a batch' },
        { src: '/screenshots/narrow.png', sizes: pngSize(join(root, 'web/public/screenshots/narrow.png')), type: 'image/png', form_factor: 'narrow', label: 'clearcut on a phone' },
      ],
    },
    workbox: {
      // The app shell, the worker, and the WASM build of onnxruntime-web (its .wasm is
      // ~14 MB, hence the raised limit), so the app starts and cuts out photos offline.
      // (manifest.webmanifest is added by the plugin itself.)
      globPatterns: ['**/*.{html,js,css,wasm,svg,png,jpg,webp,ico,woff2}'],
      // The WebGPU build's asyncify .wasm (~27 MB) is only fetched on machines with a
      // WebGPU adapter: precaching it would cost every visitor 27 MB for a path most
      // never take. It is cached on first use instead (runtimeCaching below).
      // (The JSEP .wasm exists only in the bench's VITE_ORT_BUILD=default builds: never precached either.)
      // The manifest's screenshots are only for the install dialog: not worth precaching either.
      globIgnores: ['**/*.asyncify-*.wasm', '**/*.jsep-*.wasm', '**/*.map', 'screenshots/**'],
      // The share target's POST handler, before Workbox's own routes (GET only).
      importScripts: ['share-target-sw.js'],
      maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
      // onnxruntime's thread workers load its script as ?pthread=N (web/src/cutout/thread-workers.ts),
      // the page's workers theirs as ?lane=name (web/src/cutout/bridge.ts): the precached file
      // answers them. (Workbox's defaults, plus these two.)
      ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, /^pthread$/, /^lane$/],
      // Client-side routes get the cached index.html; the API, the models and the server's
      // own pages (the local provider's TEST MODE checkout under /billing/) never do.
      navigateFallback: 'index.html',
      navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/models\//, /^\/billing\//],
      // No route matches /models/ or /api/, so the service worker never answers them and
      // the browser fetches them itself: the models are kept by fetchModel in their own
      // cache (clearcut-models-v1), and 88 MB need not stream through the worker.
      runtimeCaching: [
        {
          urlPattern: /\/assets\/[^/]*\.asyncify-[\w-]+\.wasm$/,
          handler: 'CacheFirst',
          options: {
            cacheName: 'clearcut-ort-webgpu',
            // File names carry a content hash: one entry, the current build's.
            expiration: { maxEntries: 1 },
            cacheableResponse: { statuses: [200] },
          },
        },
      ],
      // The first visit's service worker takes the page at once (nothing to replace);
      // later versions wait in `installed` until the person accepts the reload.
      clientsClaim: true,
      skipWaiting: false,
      cleanupOutdatedCaches: true,
    },
  });
}

/**
 * Runs last, once the service worker is written: a .br and a .gz beside each JS, CSS and
 * .wasm file (the server sends them), then the build stamp that lets `npm start` skip a
 * build of unchanged sources (scripts/lib/build-stamp.ts). The stamp is hashed when the
 * build starts, so an edit made during the build leaves the next start rebuilding.
 */
function finishBuild(): Plugin {
  let stamp = '';
  let outDir = '';
  return {
    name: 'clearcut-finish-build',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    buildStart() {
      stamp = sourceStamp(root);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler(error?: Error) {
        if (error) return;
        await precompressDir(outDir);
        writeFileSync(join(outDir, stampFile), `${stamp}\n`);
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  plugins: [svelte(), serveModels(), pwa(), finishBuild()],
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
  server: {
    headers: securityHeaders({ https: false }),
    port: 5173,
    // The API and the test-mode checkout page from `npm start`'s server. No changeOrigin: the server's CSRF check compares
    // Origin with the Host it sees, and the browser's Origin is this dev server's. (The object
    // form on purpose: Vite turns the string shorthand into `changeOrigin: true`.)
    proxy: { '/api': { target: 'http://127.0.0.1:8787' }, '/billing': { target: 'http://127.0.0.1:8787' } },
  },
  preview: { headers: securityHeaders({ https: false }) },
});
