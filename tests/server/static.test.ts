/** Serving the built PWA and the models: headers, content types, caching, and refusals. */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;

/** Sends a raw path over HTTP, so `..` and odd encodings reach the server exactly as written. */
async function rawGet(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const res = await rawRequest(path, method);
  return { ...res, body: res.bytes.toString('utf8') };
}

/** A raw HTTP request whose body stays as sent (fetch would decompress it), with the headers given. */
function rawRequest(
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // Listening: rawGet needs a socket.
  t = await startTestServer({ listen: true });
  const dist = t.config.distDir;
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>clearcut</title>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1);');
  writeFileSync(join(dist, 'assets', 'worker-def456.mjs'), 'export {};');
  writeFileSync(join(dist, 'assets', 'ort-wasm-simd-threaded-0a1b.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"clearcut"}');
  // As the build leaves them (scripts/lib/precompress.ts): variants beside the file.
  writeFileSync(join(dist, 'assets', 'app-9f8e7d.js'), appJs);
  writeFileSync(join(dist, 'assets', 'app-9f8e7d.js.br'), brotliCompressSync(appJs));
  writeFileSync(join(dist, 'assets', 'app-9f8e7d.js.gz'), gzipSync(appJs));
  writeFileSync(join(dist, 'assets', 'only-gzip-1a2b.css'), 'body{color:red}');
  writeFileSync(join(dist, 'assets', 'only-gzip-1a2b.css.gz'), gzipSync('body{color:red}'));
  writeFileSync(join(dist, 'workbox-835c8c05.js'), 'self.workbox = 1;');
  writeFileSync(join(dist, 'icon-192.png'), Buffer.from([137, 80, 78, 71]));
});

const appJs = Buffer.from(`export const app = ${JSON.stringify('clearcut '.repeat(500))};\n`);
afterAll(() => t.close());

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("frame-ancestors 'none'");
  // Plain http: no HSTS.
  expect(headers.get('strict-transport-security')).toBeNull();
}

describe('the PWA', () => {
  it('serves index.html at / with security headers and no-cache', async () => {
    const res = await t.request(`/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(res.headers);
    expect(await res.text()).toContain('<title>clearcut</title>');
  });

  it('falls back to index.html for client routes but not for missing files', async () => {
    const route = await t.request(`/account/devices`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('clearcut');
    const missing = await t.request(`/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers);
  });

  it('serves hashed assets as immutable with the right types', async () => {
    const js = await t.request(`/assets/index-abc123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const mjs = await t.request(`/assets/worker-def456.mjs`);
    expect(mjs.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const wasm = await t.request(`/assets/ort-wasm-simd-threaded-0a1b.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toHaveLength(8);
    const manifest = await t.request(`/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
    const sw = await t.request(`/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a matching ETag with 304', async () => {
    const first = await t.request(`/assets/index-abc123.js`);
    const etag = first.headers.get('etag')!;
    const again = await t.request(`/assets/index-abc123.js`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('refuses path traversal, raw and encoded', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%2e%2e%2fpackage.json', '/.env']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('"name": "clearcut"');
    }
  });
});

describe('precompressed files', () => {
  it('sends the brotli variant to a browser that accepts br, as the original type, varying on Accept-Encoding', async () => {
    const res = await rawRequest('/assets/app-9f8e7d.js', 'GET', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['vary']).toBe('Accept-Encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
    expect(res.bytes.length).toBeLessThan(appJs.length / 10);
    expect(brotliDecompressSync(res.bytes).equals(appJs)).toBe(true);
  });

  it('sends gzip when brotli is not accepted, and the file itself when neither is', async () => {
    const gz = await rawRequest('/assets/app-9f8e7d.js', 'GET', { 'Accept-Encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).equals(appJs)).toBe(true);
    const plain = await rawRequest('/assets/app-9f8e7d.js', 'GET', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Accept-Encoding');
    expect(plain.bytes.equals(appJs)).toBe(true);
  });

  it('falls back to the variant the build made (gzip only) and validates each variant by its own ETag', async () => {
    const css = await rawRequest('/assets/only-gzip-1a2b.css', 'GET', { 'Accept-Encoding': 'br, gzip' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(css.bytes).toString()).toBe('body{color:red}');
    const plain = await rawRequest('/assets/only-gzip-1a2b.css', 'GET', {});
    expect(plain.headers['etag']).not.toBe(css.headers['etag']);
    const again = await rawRequest('/assets/only-gzip-1a2b.css', 'GET', { 'Accept-Encoding': 'gzip', 'If-None-Match': String(css.headers['etag']) });
    expect(again.status).toBe(304);
  });

  it('never sends a variant older than its file (the file was replaced after the build)', async () => {
    const dist = t.config.distDir;
    writeFileSync(join(dist, 'assets', 'replaced-5e6f.js'), appJs);
    writeFileSync(join(dist, 'assets', 'replaced-5e6f.js.br'), brotliCompressSync(appJs));
    const later = new Date(Date.now() + 60_000);
    writeFileSync(join(dist, 'assets', 'replaced-5e6f.js'), 'export const fresh = 1;');
    utimesSync(join(dist, 'assets', 'replaced-5e6f.js'), later, later);
    const res = await rawRequest('/assets/replaced-5e6f.js', 'GET', { 'Accept-Encoding': 'br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.bytes.toString()).toBe('export const fresh = 1;');
  });

  it('sends a file without variants as it is, with no Vary', async () => {
    const js = await rawRequest('/assets/index-abc123.js', 'GET', { 'Accept-Encoding': 'br, gzip' });
    expect(js.headers['content-encoding']).toBeUndefined();
    expect(js.headers['vary']).toBeUndefined();
    expect(js.bytes.toString()).toBe('console.log(1);');
  });

  it("caches Workbox's hashed runtime for a year, icons for an hour", async () => {
    const workbox = await fetch(`${t.url}/workbox-835c8c05.js`);
    expect(workbox.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await fetch(`${t.url}/icon-192.png`);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600, must-revalidate');
  });
});

describe('/models', () => {
  it('answers HEAD for a listed model with length, type, immutable caching and security headers', async () => {
    const res = await t.request(`/models/isnet-quint8-640.onnx?v=36b8d22e`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-length')).toBe('44297619');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expectSecurityHeaders(res.headers);
  });

  it('serves byte ranges', async () => {
    const res = await t.request(`/models/isnet-quint8-640.onnx`, { headers: { Range: 'bytes=0-15' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 0-15/44297619');
    expect((await res.arrayBuffer()).byteLength).toBe(16);
    const bad = await t.request(`/models/isnet-quint8-640.onnx`, { headers: { Range: 'bytes=99999999999-' } });
    expect(bad.status).toBe(416);
    await bad.body?.cancel();
  });

  it('404s a model not in the manifest and any traversal', async () => {
    for (const path of [
      '/models/isnet-fp32.onnx',
      '/models/../package.json',
      '/models/..%2fpackage.json',
      '/models/%2e%2e%2fpackage.json',
      '/models/%2e%2e/package.json',
      '/models/..%5cpackage.json',
      '/models/.%2e/.%2e/package.json',
      '/models/sub/dir',
      '/models/manifest.json/x',
    ]) {
      const res = await rawGet(path, 'HEAD');
      expect(res.status, path).toBe(404);
    }
  });
});

describe('errors', () => {
  it('answers unknown API paths with JSON 404 and security headers', async () => {
    const res = await t.app.request('/api/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expectSecurityHeaders(res.headers);
  });

  it('sends HSTS when the public origin is https', async () => {
    const https = await startTestServer({ env: { PUBLIC_ORIGIN: 'https://cut.example.com' } });
    try {
      const res = await https.app.request('/api/health');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await https.close();
    }
  });
});
