/**
 * Times the browser decode (web/src/cutout/decode.ts decodeInBrowser) against the canvas-only
 * decode it replaced (tests/e2e/decode/decode-reference.ts), interleaved, checking each pair
 * gives the same bytes; then the canvas path's steps. In Chromium by default, or another
 * engine the e2e suite drives (`--engine firefox`, `--engine webkit`). Take the timing lock:
 *
 *   flock /tmp/clearcut-timing.lock npx tsx scripts/time-decode.ts --photo FILE... [--runs 9] [--engine chromium]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { EngineName } from '../tests/e2e/support/driver.ts';
import { ENGINES } from '../tests/e2e/support/engines.ts';
import { median } from './lib/median.ts';
import { pageScript } from './lib/page-script.ts';

const { values: args } = parseArgs({
  options: { photo: { type: 'string', multiple: true, default: [] }, runs: { type: 'string', default: '9' }, engine: { type: 'string', default: 'chromium' } },
});
type Page = { decodeBench: typeof import('./time-decode-page.ts') };

const script = await pageScript(new URL('./time-decode-page.ts', import.meta.url), 'decodeBench');
let photo = Buffer.alloc(0);
// A page of its own on 127.0.0.1, a secure origin as the app's (VideoFrame exists only there).
const server = createServer((req, res) => {
  if (req.url === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  if (req.url === '/photo') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(photo);
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/page.js"></script>');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const driver = await ENGINES[args.engine as EngineName].launch();
try {
  await driver.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  for (const file of args.photo) {
    photo = readFileSync(file);
    await driver.evaluate(() => (globalThis as unknown as Page).decodeBench.load(), null);
    const old: number[] = [], now: number[] = [];
    let size = '';
    for (let run = -1; run < Number(args.runs); run++) {
      const r = await driver.evaluate((newFirst: boolean) => (globalThis as unknown as Page).decodeBench.pair(newFirst), run % 2 === 0);
      if (!r.same) throw new Error(`${file}: the decodes differ`);
      size = `${r.width}x${r.height}`;
      if (run >= 0) old.push(r.old), now.push(r.now); // the first pair warms up
    }
    const o = median(old), n = median(now);
    console.log(`${file} ${size} (${args.engine}): old median ${o.toFixed(1)} ms, new median ${n.toFixed(1)} ms, new/old ${(n / o).toFixed(2)} (${old.length} runs each; identical bytes)`);
    const steps: Record<string, number[]> = {};
    for (let run = 0; run < 5; run++) {
      const t = await driver.evaluate(() => (globalThis as unknown as Page).decodeBench.steps(), null);
      for (const [k, v] of Object.entries(t)) (steps[k] ??= []).push(v);
    }
    console.log(`  canvas path, medians of 5: ${Object.entries(steps).map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(', ')}`);
  }
} finally {
  await driver.close();
  server.close();
}
