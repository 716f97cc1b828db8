/**
 * decodeInBrowser in each real engine (Chromium, Firefox ESR, WebKitGTK where installed)
 * against the canvas-only decode it replaced (decode-reference.ts), byte for byte: JPEGs
 * with and without an EXIF turn, ICC-tagged ones (sRGB and Display P3), a PNG with varied
 * alpha, the committed fixtures and, where present, the shared test photos. Chromium reads
 * upright JPEGs through a VideoFrame, the others through the canvas (decode.ts readsFramesBack).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageScript } from '../../../scripts/lib/page-script.ts';
import { sharedTestdata } from '../../../scripts/lib/paths.ts';
import { PHOTOS, readPhoto, rotatedWithExif } from '../../fixtures/photos.ts';
import type { EngineDriver, EngineName } from '../support/driver.ts';
import { ENGINES } from '../support/engines.ts';
import type { compareDecodes } from './page.ts';

const files = new Map<string, Uint8Array>();
let script = '';
let server: Server;
let origin = '';

beforeAll(async () => {
  for (const name of Object.keys(PHOTOS) as (keyof typeof PHOTOS)[]) files.set(PHOTOS[name].file, readPhoto(name));
  files.set('coffee-exif6.jpg', await rotatedWithExif('coffee'));
  const coffee = readPhoto('coffee');
  const jpeg = async (name: string, s: Sharp) => files.set(name, new Uint8Array(await s.toBuffer()));
  await jpeg('rocket-exif3.jpg', sharp(readPhoto('rocket')).jpeg({ quality: 90 }).withMetadata({ orientation: 3 }));
  await jpeg('rocket-exif8.jpg', sharp(readPhoto('rocket')).jpeg({ quality: 90 }).withMetadata({ orientation: 8 }));
  await jpeg('coffee-exif1-srgb.jpg', sharp(coffee).jpeg({ quality: 90 }).withMetadata({ orientation: 1 }));
  await jpeg('coffee-p3.jpg', sharp(coffee).withIccProfile('p3').jpeg({ quality: 90 }));
  await jpeg('coffee-exif6-p3.jpg', sharp(coffee).withIccProfile('p3').jpeg({ quality: 90 }).withMetadata({ orientation: 6 }));
  await jpeg('coffee-progressive-420.jpg', sharp(coffee).jpeg({ quality: 70, progressive: true, chromaSubsampling: '4:2:0' }));
  await jpeg('coffee-444.jpg', sharp(coffee).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }));
  await jpeg('coffee-grey.jpg', sharp(coffee).greyscale().jpeg({ quality: 90 }));
  const w = 301, h = 203, rgba = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba.set([x & 255, (y * 7) & 255, (x * y) & 255, (x + y * 3) & 255], (y * w + x) * 4);
  await jpeg('alpha.png', sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png());
  const photos = join(sharedTestdata, 'photos');
  if (existsSync(photos)) for (const f of readdirSync(photos).filter((f) => /\.jpe?g$/i.test(f))) files.set(`testdata-${f}`, new Uint8Array(readFileSync(join(photos, f))));

  script = await pageScript(new URL('./page.ts', import.meta.url), 'decodeTest');
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
    if (path.startsWith('/page.js')) return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    const file = files.get(decodeURIComponent(path.replace(/^\/files\//, '')));
    if (path.startsWith('/files/') && file) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

type Page = { decodeTest: { compareDecodes: typeof compareDecodes } };

for (const name of ['chromium', 'firefox', 'webkit'] as EngineName[]) {
  const engine = ENGINES[name];
  describe.skipIf(!engine.installed())(`decodeInBrowser in ${engine.label}`, () => {
    let driver: EngineDriver;
    beforeAll(async () => {
      driver = await engine.launch();
      await driver.goto(origin);
    });
    afterAll(async () => driver?.close());

    it('gives the very bytes of the canvas-only decode, for every file (turned, ICC-tagged, alpha)', async () => {
      const names = [...files.keys()];
      const { framesReadBack, framesReadBackInWorker, results } = await driver.evaluate(
        (n: string[]) => (globalThis as unknown as Page).decodeTest.compareDecodes(n),
        names,
      );
      // Chromium must take the VideoFrame readback, or this would compare the canvas path with itself.
      expect(framesReadBack, 'reads upright JPEGs through a VideoFrame').toBe(name === 'chromium');
      expect(framesReadBackInWorker, 'the same in a worker, where the app decodes').toBe(framesReadBack);
      for (const r of results) expect(r, r.name).toMatchObject({ differing: 0 });
      const rotated = results.find((r) => r.name === 'coffee-exif6.jpg')!;
      expect([rotated.width, rotated.height], 'the EXIF turn applied').toEqual([PHOTOS.coffee.width, PHOTOS.coffee.height]);
    });

    it('gives the same bytes as the reference read through strips of a small canvas', async () => {
      const { results } = await driver.evaluate(
        (n: string[]) => (globalThis as unknown as Page).decodeTest.compareDecodes(n, 16_384),
        ['astronaut.jpg', 'chelsea.png', 'coffee-exif6.jpg', 'alpha.png'],
      );
      for (const r of results) expect(r, r.name).toMatchObject({ differing: 0 });
    });
  });
}
