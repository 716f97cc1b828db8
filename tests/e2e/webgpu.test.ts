/**
 * Which onnxruntime-web build the page loads, and whether the WebGPU path cuts out the
 * same as WASM, in real Chromium against the real server serving the built PWA.
 *
 * WebGPU runs on SwiftShader (../shared/BROWSERS.md): a CPU emulation of a GPU, good for
 * checking that the path is correct, far too slow to time. One photo, the smallest fixture,
 * is cut out once per model on each backend: the fewest inferences that compare them.
 *
 * SwiftShader has no `shader-f16`. On such an adapter onnxruntime-web's run of a float16
 * model never finishes (no error, the page just waits), so the app opens float16 models on
 * WASM there. Static int8 models open on WASM whatever the adapter (WASM has the int8
 * kernels). The test expects exactly that, and WebGPU for every other model.
 *
 * A level with a second opinion (a manifest entry's `second`: Quality runs Fast's model too)
 * downloads both models and runs both networks on the photo: the job card says which ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../../scripts/lib/chromium.ts';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { modelsDir } from '../../scripts/lib/paths.ts';
import { manifest, modelInfo, modelsOf } from '../../web/src/cutout/model.ts';
import { hasFloat16Weights, hasInt8Weights } from '../../web/src/cutout/model-precision.ts';
import { fixturesDir, PHOTOS } from '../fixtures/photos.ts';

/** The smallest fixture photo: SwiftShader's time grows with nothing else we control. */
const photo = PHOTOS.chelsea;

/** onnxruntime-web's .wasm files as Vite names them: the plain build, or a WebGPU-capable one (asyncify, JSEP). */
const ORT_WASM = /\/ort-wasm-simd-threaded(\.[a-z]+)?-[\w-]+\.wasm$/;
const webgpuBuild = (url: string) => /\.(asyncify|jsep|jspi)-/.test(url);

interface Cutout {
  backend: string;
  /** The downloaded PNG's alpha channel: the matte. */
  alpha: Uint8Array;
  /** Every onnxruntime .wasm file the page requested. */
  wasm: string[];
  /** Every model file the page requested. */
  models: string[];
  /** The models whose network ran on the photo, as its job card says (the engine's CutResult.models). */
  ran: string[];
  seconds: number;
}

/** Opens the app with `?model=`, in a fresh context (empty caches), cuts the photo out and downloads it. */
async function cutOut(browser: Browser, baseUrl: string, modelId: string): Promise<Cutout> {
  const context = await browser.newContext({ acceptDownloads: true });
  const wasm: string[] = [];
  const models: string[] = [];
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (ORT_WASM.test(path)) wasm.push(path);
    if (path.startsWith('/models/')) models.push(path.slice('/models/'.length));
  });
  const dir = mkdtempSync(join(tmpdir(), 'clearcut-webgpu-'));
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/?model=${encodeURIComponent(modelId)}`);
    const started = Date.now();
    await page.locator('#photo-input').setInputFiles(join(fixturesDir, photo.file));
    const link = page.getByRole('link', { name: /^Download/ });
    await link.waitFor({ timeout: 540_000 });
    const seconds = (Date.now() - started) / 1000;
    const backend = (await page.locator('section[aria-label="Engine"]').getAttribute('data-backend')) ?? '?';
    const ran = (await page.locator('li.card[data-state=done]').getAttribute('data-models'))?.split(' ') ?? [];
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(dir, 'cutout.png');
    await download.saveAs(file);
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([photo.width, photo.height, 4]);
    const alpha = new Uint8Array(info.width * info.height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * 4 + 3];
    return { backend, alpha, wasm, models, ran, seconds };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files of every model a cut with `modelId` downloads (its second opinion's too), sorted: the two downloads run at once. */
const filesOf = (modelId: string) => modelsOf(modelInfo(modelId)).map((m) => m.file).sort();

/** Mean |Δalpha| in [0, 1] and the share of pixels within `tolerance`/255. */
function difference(a: Uint8Array, b: Uint8Array, tolerance: number): { mean: number; within: number; max: number } {
  let sum = 0, within = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d <= tolerance) within++;
    if (d > max) max = d;
  }
  return { mean: sum / a.length / 255, within: within / a.length, max };
}

describe('onnxruntime-web in Chromium: the build each page loads, and WebGPU against WASM', () => {
  let server: RunningServer;
  let plain: LaunchedBrowser;
  let swiftshader: LaunchedBrowser;
  const wasmCutouts = new Map<string, Cutout>();

  beforeAll(async () => {
    server = await startServer();
    plain = await launchChromium();
    swiftshader = await launchChromium({ webgpu: true });
  });

  afterAll(async () => {
    await plain?.close();
    await swiftshader?.close();
    await server?.stop();
  });

  it.each(manifest.models.map((m) => m.id))('without a WebGPU adapter, %s runs on WASM and the page never fetches the WebGPU build', async (modelId) => {
    const cutout = await cutOut(plain.browser, server.url, modelId);
    console.log(`[webgpu.test] ${modelId} on ${cutout.backend}: ${cutout.seconds.toFixed(1)} s from choosing the photo to its cutout (models run: ${cutout.ran.join(', ')}); wasm files: ${cutout.wasm.join(', ')}`);
    expect([...cutout.models].sort()).toEqual(filesOf(modelId));
    // Every network the level has ran on the photo, each on its own session: the second's input is at its own size.
    expect(cutout.ran).toEqual(modelsOf(modelInfo(modelId)).map((m) => m.id));
    expect(cutout.backend).toBe('wasm');
    expect(cutout.wasm.length).toBeGreaterThan(0);
    expect(cutout.wasm.filter(webgpuBuild)).toEqual([]);
    wasmCutouts.set(modelId, cutout);
  });

  it.each(manifest.models.map((m) => m.id))('with a SwiftShader adapter, %s cuts out on WebGPU what it cuts out on WASM (on WASM itself when it is static int8 or needs shader-f16)', async (modelId) => {
    const reference = wasmCutouts.get(modelId);
    expect(reference, 'the WASM cutout of the test before').toBeDefined();
    const page = await swiftshader.browser.newPage();
    await page.goto(`${server.url}/`);
    const features = await page.evaluate(async () => [...((await (navigator as any).gpu?.requestAdapter())?.features ?? [])] as string[]);
    await page.close();
    expect(features.length, 'SwiftShader offers an adapter').toBeGreaterThan(0);
    const bytes = new Uint8Array(readFileSync(join(modelsDir, modelInfo(modelId).file)));
    const expected = hasInt8Weights(bytes) || (hasFloat16Weights(bytes) && !features.includes('shader-f16')) ? 'wasm' : 'webgpu';
    const cutout = await cutOut(swiftshader.browser, server.url, modelId);
    const diff = difference(cutout.alpha, reference!.alpha, 8);
    console.log(
      `[webgpu.test] ${modelId} on ${cutout.backend}: ${cutout.seconds.toFixed(1)} s; wasm files: ${cutout.wasm.join(', ')}; ` +
        `mean |Δalpha| ${diff.mean.toFixed(5)}, ${(diff.within * 100).toFixed(3)}% within 8/255, max ${diff.max}/255`,
    );
    expect([...cutout.models].sort()).toEqual(filesOf(modelId));
    expect(cutout.ran).toEqual(modelsOf(modelInfo(modelId)).map((m) => m.id));
    expect(cutout.backend).toBe(expected);
    // The engine loads the WebGPU build for the adapter, whichever backend this model then runs on.
    expect(cutout.wasm.some(webgpuBuild)).toBe(true);
    expect(diff.mean).toBeLessThan(0.01);
    expect(diff.within).toBeGreaterThanOrEqual(0.99);
    // A level whose own model runs on WASM runs its second opinion there too (engine.ts): the
    // same cutout as without an adapter, to the byte. (Fast's model beside fp16 on WebGPU
    // differed by up to 21/255, and once never finished.)
    if (expected === 'wasm') expect(diff.max).toBe(0);
  });
});
