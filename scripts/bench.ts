/**
 * `npm run bench`: per-stage median times of the cutout engine for each model, in Node
 * (scripts/lib/node-engine.ts) and in real Chromium (the built PWA's worker through the
 * real page, WASM, threaded), on a folder of photos and on one large photo made at run time
 * by upscaling one of them; peak memory on the large photo; and each model's time as a
 * ratio of the baseline model's. Prints a table on stdout, progress on stderr, and as its
 * last stdout line one JSON object with every figure.
 *
 * First photo: the time from navigating to the app to the first cutout, in fresh browsers
 * (empty profile and HTTP cache, so the model download and the .wasm compile count), for
 * the default model with the WASM-only onnxruntime-web build the app loads, and with the
 * package's default bundle (JSEP, ~28 MB .wasm) from a build made with VITE_ORT_BUILD=default.
 * Each load also says which onnxruntime .wasm files the page fetched.
 *
 *   npm run bench                                   every model, Node and Chromium
 *   npm run bench -- --model isnet-quint8-640 --no-browser --runs 1
 *   npm run bench -- --dir ~/photos --runs 3 --large-mp 12
 *
 * Each model runs in a fresh process (a child Node process, a fresh Chromium), so one
 * model's memory never counts towards another's. One untimed warm-up photo per model first.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { manifest } from '../web/src/cutout/model.ts';
import { STAGES, type Stage, type StageTimings } from '../web/src/cutout/pipeline.ts';
import { launchChromium } from './lib/chromium.ts';
import { median } from './lib/median.ts';
import { rootDir, sharedTestdata } from './lib/paths.ts';
import { ownRenderers, peakRssKiB, resetPeak, RssSampler, sumRssKiB } from './lib/proc-memory.ts';
import { startServer } from './lib/server-process.ts';
import { table } from './lib/table.ts';

type Env = 'node' | 'chromium';
type Column = Stage | 'total';
const COLUMNS: readonly Column[] = [...STAGES, 'total'];
const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.avif']);
const PHOTO_TIMEOUT_MS = 15 * 60_000;
const MiB = 1024 * 1024;

const USAGE = `Usage: npm run bench -- [options]
  --model ID       only this model (repeat for several); default: every model in models/manifest.json
  --dir DIR        folder of photos (default ../shared/testdata/photos)
  --runs N         passes over the photos and the large photo (default 1); every photo of a pass is one sample
  --large-mp N     megapixels of the large photo made by upscaling the folder's largest photo (default 24)
  --baseline ID    the model the others are compared with (default isnet-fp16)
  --dist DIR       serve this built PWA instead of building the working tree into a temporary folder
  --first-photo N fresh page loads per onnxruntime build for the first-photo table (default 3; 0 skips it)
  --dist-default DIR  a build made with VITE_ORT_BUILD=default, instead of building one
  --no-node        skip Node
  --no-browser     skip Chromium (and the first-photo table)`;

/** One photo's stage times, in ms. */
type Sample = Record<Column, number>;

interface PhotoSet {
  /** "photos" (the folder) or "large". */
  name: 'photos' | 'large';
  label: string;
  files: string[];
}

/** What one environment measured for one model. */
interface ModelRun {
  env: Env;
  model: string;
  backend: string;
  threads: number;
  samples: Record<PhotoSet['name'], Sample[]>;
  failures: { file: string; error: string }[];
  memory: MemoryFigures;
  /** Chromium only: which /models/ files the page fetched (checks that ?model= was honoured). */
  modelRequests?: string[];
}

/**
 * Memory around the large photo, MiB. `idle`: the process (Node) or the page's renderers
 * (Chromium) before the model is opened; `before`: with the model open, just before the
 * large photo; `peak`: sampled every 100 ms during it; `hwm`: the kernel's VmHWM peak over
 * the same span (exact, not sampled; for Chromium the largest single renderer's).
 */
interface MemoryFigures {
  idle?: number;
  before?: number;
  peak?: number;
  hwm?: number;
  /** Node: largest external / arrayBuffers / heapUsed seen at stage boundaries. */
  external?: number;
  arrayBuffers?: number;
  heapUsed?: number;
  /** Chromium: performance.measureUserAgentSpecificMemory() after the large photo (current, not peak). */
  workerNow?: number;
  pageNow?: number;
  note?: string;
}

interface Options {
  models: string[];
  dir: string;
  runs: number;
  largeMp: number;
  baseline: string;
  dist?: string;
  distDefault?: string;
  firstPhoto: number;
  node: boolean;
  browser: boolean;
}

/** What the parent sends a Node child. */
interface ChildRequest {
  model: string;
  runs: number;
  sets: PhotoSet[];
}

/** The Chromium version, once a browser has run. */
let chromiumVersion: string | undefined;

const log = (msg: string) => console.error(`[bench] ${msg}`);
const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
const kibToMib = (kib: number | undefined) => (kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function toSample(timings: StageTimings): Sample {
  const sample = {} as Sample;
  let total = 0;
  for (const stage of STAGES) {
    const ms = timings[stage];
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`no time for stage ${stage} in ${JSON.stringify(timings)}`);
    sample[stage] = ms;
    total += ms;
  }
  sample.total = total;
  return sample;
}

/** Per-column medians; `total` is the median of each photo's total, not a sum of medians. */
function medians(samples: Sample[]): Record<Column, number> {
  const out = {} as Record<Column, number>;
  for (const c of COLUMNS) out[c] = Math.round(median(samples.map((s) => s[c])) * 10) / 10;
  return out;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', multiple: true },
      dir: { type: 'string' },
      runs: { type: 'string' },
      'large-mp': { type: 'string' },
      baseline: { type: 'string' },
      dist: { type: 'string' },
      'dist-default': { type: 'string' },
      'first-photo': { type: 'string' },
      'no-node': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = manifest.models.map((m) => m.id);
  const models = values.model?.flatMap((m) => m.split(',')).filter(Boolean) ?? known;
  for (const m of models) if (!known.includes(m)) throw new Error(`unknown model "${m}"; the manifest has ${known.join(', ')}`);
  const runs = Number(values.runs ?? 1);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const largeMp = Number(values['large-mp'] ?? 24);
  if (!(largeMp > 0 && largeMp <= 50)) throw new Error('--large-mp must be between 0 and 50 (the decoder limit)');
  const opts: Options = {
    models,
    dir: resolve(values.dir ?? join(sharedTestdata, 'photos')),
    runs,
    largeMp,
    baseline: values.baseline ?? 'isnet-fp16',
    dist: values.dist && resolve(values.dist),
    distDefault: values['dist-default'] && resolve(values['dist-default']),
    firstPhoto: Number(values['first-photo'] ?? 3),
    node: !values['no-node'],
    browser: !values['no-browser'],
  };
  if (!Number.isInteger(opts.firstPhoto) || opts.firstPhoto < 0) throw new Error('--first-photo must be a whole number');
  if (!opts.node && !opts.browser) throw new Error('--no-node and --no-browser together leave nothing to measure');
  return opts;
}

/** The folder's photos, sorted; true masks (NAME.mask.png, NAME.ignore.png) left out. */
function listPhotos(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()) && !/\.(mask|ignore)\.[a-z]+$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (!files.length) throw new Error(`no photos in ${dir}`);
  return files;
}

/** Upscales the folder's largest photo (Lanczos) to at least `megapixels`, as a JPEG in `outDir`. */
async function makeLargePhoto(photos: string[], megapixels: number, outDir: string) {
  let source = photos[0];
  let best = 0;
  for (const p of photos) {
    const m = await sharp(p).metadata();
    if ((m.width ?? 0) * (m.height ?? 0) > best) (best = (m.width ?? 0) * (m.height ?? 0)), (source = p);
  }
  const { info } = await sharp(source).rotate().toBuffer({ resolveWithObject: true });
  const scale = Math.sqrt((megapixels * 1e6) / (info.width * info.height));
  const width = Math.ceil(info.width * scale);
  const height = Math.ceil(info.height * scale);
  const file = join(outDir, `${basename(source, extname(source))}-${width}x${height}.jpg`);
  await sharp(source).rotate().resize(width, height, { kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(file);
  return { file, source: basename(source), width, height, megapixels: Math.round((width * height) / 1e4) / 100 };
}

// ---------------------------------------------------------------------------------------
// Node: one child process per model

/**
 * Samples this process's RSS every `intervalMs` from a worker thread: the main thread is
 * blocked while onnxruntime runs and while the pure stages compute, so a timer there would
 * miss the peak. The peak (KiB) is kept in shared memory.
 */
function startRssThread(intervalMs = 100): { stop(): Promise<number> } {
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const cell = new Int32Array(workerData);
     const tick = () => { const kib = Math.round(process.memoryUsage.rss() / 1024); if (kib > Atomics.load(cell, 0)) Atomics.store(cell, 0, kib); };
     tick(); setInterval(tick, ${intervalMs});`,
    { eval: true, workerData: cell.buffer, execArgv: [] },
  );
  return {
    async stop() {
      await worker.terminate();
      return Atomics.load(cell, 0);
    },
  };
}

async function nodeChild(request: ChildRequest): Promise<ModelRun> {
  const idleKiB = Math.round(process.memoryUsage.rss() / 1024);
  const { cutFileNode, nodeBackend, closeNodeSessions } = await import('./lib/node-engine.ts');
  const { encodeNode } = await import('./lib/node-codec.ts');
  const tag = `node ${request.model}`;
  const run: ModelRun = {
    env: 'node',
    model: request.model,
    backend: nodeBackend.backend,
    threads: nodeBackend.threads,
    samples: { photos: [], large: [] },
    failures: [],
    memory: { idle: kibToMib(idleKiB) },
  };
  const peaks = { external: 0, arrayBuffers: 0, heapUsed: 0 };
  const watchMemory = () => {
    const m = process.memoryUsage();
    for (const k of ['external', 'arrayBuffers', 'heapUsed'] as const) peaks[k] = Math.max(peaks[k], m[k]);
  };

  const cutOne = async (file: string, onStage?: () => void): Promise<Sample> => {
    const bytes = readFileSync(file);
    const result = await cutFileNode(bytes, { modelId: request.model }, { onStage });
    onStage?.();
    const started = performance.now();
    await encodeNode(result.cutout, 'png');
    const encode = performance.now() - started;
    onStage?.();
    return toSample({ ...result.timings, encode });
  };

  const photos = request.sets.find((s) => s.name === 'photos')!;
  log(`${tag}: warm-up on ${basename(photos.files[0])} (untimed)`);
  await cutOne(photos.files[0]);

  for (const set of request.sets) {
    const large = set.name === 'large';
    let rss: ReturnType<typeof startRssThread> | undefined;
    if (large) {
      run.memory.before = kibToMib(Math.round(process.memoryUsage.rss() / 1024));
      if (!resetPeak('self')) run.memory.note = 'VmHWM could not be reset; hwm is since the process started';
      rss = startRssThread();
    }
    for (let pass = 1; pass <= request.runs; pass++) {
      for (const file of set.files) {
        try {
          const sample = await cutOne(file, large ? watchMemory : undefined);
          run.samples[set.name].push(sample);
          log(`${tag} ${set.label} pass ${pass}/${request.runs} ${basename(file)}: ${fmtSample(sample)}`);
        } catch (err) {
          const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          run.failures.push({ file: basename(file), error });
          log(`${tag} ${set.label} ${basename(file)} FAILED: ${error}`);
        }
      }
    }
    if (rss) {
      run.memory.peak = kibToMib(await rss.stop());
      run.memory.hwm = kibToMib(peakRssKiB('self'));
      run.memory.external = mib(peaks.external);
      run.memory.arrayBuffers = mib(peaks.arrayBuffers);
      run.memory.heapUsed = mib(peaks.heapUsed);
    }
  }
  await closeNodeSessions();
  return run;
}

/** Runs one model's Node measurements in a fresh child process. */
function runNodeModel(request: ChildRequest): Promise<ModelRun> {
  return new Promise((resolvePromise, reject) => {
    // The child's stdout goes to our stderr: stdout carries only the table and the JSON.
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 2, 2, 'ipc'] });
    let settled = false;
    child.on('message', (msg: { result?: ModelRun; error?: string }) => {
      settled = true;
      if (msg.result) resolvePromise(msg.result);
      else reject(new Error(`node ${request.model}: ${msg.error}`));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`node ${request.model}: the child process exited with ${code} before reporting`));
    });
    child.send(request);
  });
}

// ---------------------------------------------------------------------------------------
// Chromium: the built PWA through the real page, one fresh browser per model

/** Builds the working tree's PWA into a temporary folder, so a concurrent `vite build` into dist/ cannot pull files from under the page. */
function buildPwa(outDir: string, env: Record<string, string> = {}): void {
  log(`building the PWA into ${outDir}${Object.keys(env).length ? ` with ${JSON.stringify(env)}` : ''}`);
  const vite = join(rootDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: rootDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

/** Queues one photo on the page and waits for its card to finish; the card's stage times. */
async function cutOnPage(page: Page, file: string): Promise<{ state: string; timings?: StageTimings; error?: string }> {
  const cards = page.locator('li.card');
  const index = await cards.count();
  await page.getByLabel('Choose photos').setInputFiles(file);
  const state = await (
    await page.waitForFunction(
      (i) => {
        const s = document.querySelectorAll('li.card')[i]?.getAttribute('data-state');
        return s === 'done' || s === 'failed' || s === 'cancelled' ? s : false;
      },
      index,
      { timeout: PHOTO_TIMEOUT_MS, polling: 250 },
    )
  ).jsonValue();
  const card = cards.nth(index);
  if (state !== 'done') return { state: String(state), error: (await card.locator('.status').textContent())?.trim() };
  const timings = JSON.parse((await card.getAttribute('data-timings')) ?? '{}') as StageTimings;
  // Drop the card (and its object URLs) so finished photos do not pile up in the page's memory.
  await card.getByRole('button', { name: /^Remove/ }).click({ timeout: 5000 }).catch(() => {});
  return { state: 'done', timings };
}

/** performance.measureUserAgentSpecificMemory() split into the worker's and the page's bytes. */
async function measurePageMemory(page: Page): Promise<{ worker: number; page: number } | string> {
  try {
    return await page.evaluate(async () => {
      const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ breakdown: { bytes: number; attribution: { scope: string }[] }[] }> };
      if (!perf.measureUserAgentSpecificMemory) return 'performance.measureUserAgentSpecificMemory is not available';
      const timeout = new Promise<string>((r) => setTimeout(() => r('measureUserAgentSpecificMemory did not answer within 90 s'), 90_000));
      const result = await Promise.race([perf.measureUserAgentSpecificMemory(), timeout]);
      if (typeof result === 'string') return result;
      let worker = 0;
      let page = 0;
      for (const b of result.breakdown) {
        if (b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')) worker += b.bytes;
        else page += b.bytes;
      }
      return { worker, page };
    });
  } catch (err) {
    return `measureUserAgentSpecificMemory failed: ${err instanceof Error ? err.message : err}`;
  }
}

async function runChromiumModel(baseUrl: string, model: string, runs: number, sets: PhotoSet[]): Promise<ModelRun> {
  const tag = `chromium ${model}`;
  // Without this switch the measurement waits for the next garbage collection (up to a minute).
  const chromium = await launchChromium({ args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  chromiumVersion = chromium.browser.version();
  try {
    const context = await chromium.browser.newContext();
    const modelRequests: string[] = [];
    context.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/models/')) modelRequests.push(path);
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => log(`${tag}: page error: ${err.message}`));
    await page.goto(`${baseUrl}/?model=${encodeURIComponent(model)}`);
    if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated: WASM would run on one thread');
    const engine = page.getByRole('region', { name: 'Engine' });
    for (let waited = 0; !(await engine.getAttribute('data-backend')); waited += 100) {
      if (waited > 120_000) throw new Error('the page never reported its backend');
      await sleep(100);
    }
    await sleep(1500); // let the fresh page settle before reading its idle memory
    const idle = sumRssKiB(ownRenderers());

    const photos = sets.find((s) => s.name === 'photos')!;
    log(`${tag}: warm-up on ${basename(photos.files[0])} (untimed; downloads and opens the model)`);
    const warm = await cutOnPage(page, photos.files[0]);
    if (warm.state !== 'done') throw new Error(`warm-up photo ${warm.state}: ${warm.error}`);
    const run: ModelRun = {
      env: 'chromium',
      model,
      backend: (await engine.getAttribute('data-backend')) ?? '?',
      threads: Number(await engine.getAttribute('data-threads')),
      samples: { photos: [], large: [] },
      failures: [],
      memory: { idle: kibToMib(idle) },
      modelRequests,
    };
    if (run.backend !== 'wasm') log(`${tag}: WARNING: the page ran on ${run.backend}, not wasm`);

    for (const set of sets) {
      const large = set.name === 'large';
      let sampler: RssSampler | undefined;
      let renderers: number[] = [];
      if (large) {
        await sleep(1000);
        renderers = ownRenderers();
        run.memory.before = kibToMib(sumRssKiB(renderers));
        if (!renderers.every((pid) => resetPeak(pid))) run.memory.note = 'VmHWM could not be reset for every renderer';
        sampler = new RssSampler(ownRenderers, 100);
        sampler.start();
      }
      for (let pass = 1; pass <= runs; pass++) {
        for (const file of set.files) {
          const r = await cutOnPage(page, file);
          if (r.state === 'done' && r.timings) {
            const sample = toSample(r.timings);
            run.samples[set.name].push(sample);
            log(`${tag} ${set.label} pass ${pass}/${runs} ${basename(file)}: ${fmtSample(sample)}`);
          } else {
            run.failures.push({ file: basename(file), error: `${r.state}: ${r.error ?? ''}` });
            log(`${tag} ${set.label} ${basename(file)} FAILED (${r.state}): ${r.error ?? ''}`);
          }
        }
      }
      if (sampler) {
        run.memory.peak = kibToMib(sampler.stop().peakKiB);
        run.memory.hwm = kibToMib(Math.max(0, ...renderers.map((pid) => peakRssKiB(pid) ?? 0)));
        const measured = await measurePageMemory(page);
        if (typeof measured === 'string') run.memory.note = [run.memory.note, measured].filter(Boolean).join('; ');
        else (run.memory.workerNow = mib(measured.worker)), (run.memory.pageNow = mib(measured.page));
      }
    }
    const file = manifest.models.find((m) => m.id === model)!.file;
    const wrong = modelRequests.filter((p) => !p.endsWith(`/${file}`));
    if (wrong.length) log(`${tag}: WARNING: the page also fetched ${[...new Set(wrong)].join(', ')}`);
    if (!modelRequests.some((p) => p.endsWith(`/${file}`))) log(`${tag}: WARNING: the page never fetched ${file}: was ?model= honoured?`);
    return run;
  } finally {
    await chromium.close();
  }
}

// ---------------------------------------------------------------------------------------
// First photo: fresh browsers, from navigation to the first cutout

type OrtBuild = 'wasm' | 'default';

/** One fresh page load's way to its first cutout, ms. */
interface FirstPhotoSample {
  /** From navigating to the app to the cutout being shown. */
  total: number;
  /** The worker's User Timing measures: importing onnxruntime-web, fetching the model, opening the session. */
  ort?: number;
  fetch?: number;
  session?: number;
  /** The first photo's own stages, as the card reports them. */
  infer: number;
  stages: number;
  /** The onnxruntime .wasm files the page fetched, and their sizes. */
  wasm: { file: string; bytes: number }[];
}

interface FirstPhotoRun {
  build: OrtBuild;
  model: string;
  photo: string;
  samples: FirstPhotoSample[];
  failures: string[];
  /** Set when the page fetched a .wasm the build should not (or missed the one it should). */
  wrongWasm?: string;
}

const ORT_WASM = /\/(ort-wasm-simd-threaded(?:\.([a-z]+))?-[\w-]+\.wasm)$/;

async function firstPhotoOnce(baseUrl: string, photo: string): Promise<FirstPhotoSample> {
  const chromium = await launchChromium();
  chromiumVersion = chromium.browser.version();
  try {
    const context = await chromium.browser.newContext();
    const wasm: { file: string; bytes: number }[] = [];
    context.on('requestfinished', (r) => {
      const m = ORT_WASM.exec(new URL(r.url()).pathname);
      if (m) void r.sizes().then((s) => wasm.push({ file: m[1], bytes: s.responseBodySize }), () => wasm.push({ file: m[1], bytes: NaN }));
    });
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${baseUrl}/`);
    await page.getByLabel('Choose photos').setInputFiles(photo);
    const state = await (
      await page.waitForFunction(
        () => {
          const s = document.querySelector('li.card')?.getAttribute('data-state');
          return s === 'done' || s === 'failed' || s === 'cancelled' ? s : false;
        },
        undefined,
        { timeout: PHOTO_TIMEOUT_MS, polling: 50 },
      )
    ).jsonValue();
    const total = performance.now() - started;
    const card = page.locator('li.card').first();
    if (state !== 'done') throw new Error(`${state}: ${(await card.locator('.status').textContent())?.trim()}`);
    const timings = toSample(JSON.parse((await card.getAttribute('data-timings')) ?? '{}') as StageTimings);
    const worker = page.workers().find((w) => /worker/.test(w.url()));
    const measures = worker
      ? await worker.evaluate(() => performance.getEntriesByType('measure').map((m) => ({ name: m.name, duration: m.duration })))
      : [];
    const measure = (prefix: string) => measures.find((m) => m.name.startsWith(prefix))?.duration;
    return { total, ort: measure('clearcut:ort'), fetch: measure('clearcut:fetch '), session: measure('clearcut:session '), infer: timings.infer, stages: timings.total, wasm };
  } finally {
    await chromium.close();
  }
}

/** `loads` fresh browsers on one build, each cutting out `photo` with the default model. */
async function runFirstPhoto(baseUrl: string, build: OrtBuild, photo: string, loads: number): Promise<FirstPhotoRun> {
  const run: FirstPhotoRun = { build, model: manifest.default, photo: basename(photo), samples: [], failures: [] };
  for (let i = 1; i <= loads; i++) {
    try {
      const sample = await firstPhotoOnce(baseUrl, photo);
      run.samples.push(sample);
      log(`first photo, ${build} build, load ${i}/${loads}: ${(sample.total / 1000).toFixed(1)} s (session ${fmtMs(sample.session ?? NaN)} ms, infer ${fmtMs(sample.infer)} ms; ${sample.wasm.map((w) => w.file).join(', ')})`);
      const builds = sample.wasm.map((w) => ORT_WASM.exec(`/${w.file}`)?.[2] ?? 'plain');
      const expected = build === 'wasm' ? 'plain' : 'jsep';
      if (!builds.length || builds.some((b) => b !== expected)) {
        run.wrongWasm = `expected only the ${expected} .wasm, the page fetched ${builds.join(', ') || 'none'}`;
        log(`first photo, ${build} build: WARNING: ${run.wrongWasm}`);
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      run.failures.push(error);
      log(`first photo, ${build} build, load ${i}/${loads} FAILED: ${error}`);
    }
  }
  return run;
}

// ---------------------------------------------------------------------------------------
// Report

const fmtMs = (ms: number) => (Number.isNaN(ms) ? '-' : ms >= 100 ? Math.round(ms).toString() : ms.toFixed(1));
const fmtSample = (s: Sample) => `total ${(s.total / 1000).toFixed(1)} s (infer ${(s.infer / 1000).toFixed(1)} s, refine ${(s.refine / 1000).toFixed(2)} s)`;
const fmtMiB = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toString());


function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: rootDir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const photos = listPhotos(opts.dir);
  const tmp = mkdtempSync(join(tmpdir(), 'clearcut-bench-'));
  const started = new Date();
  const load = { start: loadavg().map((l) => Math.round(l * 100) / 100), end: [] as number[] };
  const runs: ModelRun[] = [];
  const firstPhoto: FirstPhotoRun[] = [];
  try {
    const large = await makeLargePhoto(photos, opts.largeMp, tmp);
    log(`${photos.length} photos in ${opts.dir}; large photo ${large.width}x${large.height} (${large.megapixels} MP) upscaled from ${large.source}`);
    const sets: PhotoSet[] = [
      { name: 'photos', label: `photos`, files: photos },
      { name: 'large', label: `large ${large.megapixels} MP`, files: [large.file] },
    ];

    if (opts.node) {
      for (const model of opts.models) {
        log(`node ${model}: starting a fresh process`);
        runs.push(await runNodeModel({ model, runs: opts.runs, sets }));
      }
    }

    if (opts.browser) {
      let dist = opts.dist;
      if (!dist) {
        dist = join(tmp, 'dist');
        buildPwa(dist);
      } else if (!existsSync(join(dist, 'index.html'))) {
        throw new Error(`${dist} has no index.html`);
      }
      const server = await startServer({ DIST_DIR: dist });
      try {
        for (const model of opts.models) {
          log(`chromium ${model}: starting a fresh browser on ${server.url}`);
          runs.push(await runChromiumModel(server.url, model, opts.runs, sets));
        }
        if (opts.firstPhoto) firstPhoto.push(await runFirstPhoto(server.url, 'wasm', photos[0], opts.firstPhoto));
      } finally {
        await server.stop();
      }
      if (opts.firstPhoto) {
        let distDefault = opts.distDefault;
        if (!distDefault) {
          distDefault = join(tmp, 'dist-default');
          buildPwa(distDefault, { VITE_ORT_BUILD: 'default' });
        }
        const other = await startServer({ DIST_DIR: distDefault });
        try {
          firstPhoto.push(await runFirstPhoto(other.url, 'default', photos[0], opts.firstPhoto));
        } finally {
          await other.stop();
        }
      }
    }
    load.end = loadavg().map((l) => Math.round(l * 100) / 100);
    report(opts, photos, large, sets, runs, firstPhoto, started, load);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function report(
  opts: Options,
  photos: string[],
  large: Awaited<ReturnType<typeof makeLargePhoto>>,
  sets: PhotoSet[],
  runs: ModelRun[],
  firstPhoto: FirstPhotoRun[],
  started: Date,
  load: { start: number[]; end: number[] },
): void {
  const results = runs.flatMap((r) =>
    sets.map((set) => ({
      env: r.env,
      model: r.model,
      set: set.name,
      backend: r.backend,
      threads: r.threads,
      samples: r.samples[set.name].length,
      failed: r.failures.filter((f) => set.files.some((file) => basename(file) === f.file)).length,
      medianMs: medians(r.samples[set.name]),
    })),
  );
  const ratios = results
    .filter((row) => row.model !== opts.baseline)
    .flatMap((row) => {
      const base = results.find((b) => b.env === row.env && b.set === row.set && b.model === opts.baseline);
      if (!base) return [];
      const ratio = (c: Column) => Math.round((row.medianMs[c] / base.medianMs[c]) * 1000) / 1000;
      return [{ env: row.env, set: row.set, model: row.model, baseline: opts.baseline, total: ratio('total'), infer: ratio('infer') }];
    });
  const memory = runs.map((r) => ({
    env: r.env,
    model: r.model,
    photo: `${large.width}x${large.height}`,
    mib: r.memory,
    peakOverIdle: r.memory.peak !== undefined && r.memory.idle !== undefined ? Math.round((r.memory.peak - r.memory.idle) * 10) / 10 : undefined,
    peakOverBefore: r.memory.peak !== undefined && r.memory.before !== undefined ? Math.round((r.memory.peak - r.memory.before) * 10) / 10 : undefined,
  }));

  const setLabel = (name: PhotoSet['name']) => (name === 'photos' ? `photos (${photos.length})` : `large ${large.megapixels} MP`);
  const out: string[] = [];
  out.push(
    `clearcut bench, ${started.toISOString()}: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), load average ${load.start.join(' ')} at the start, ${load.end.join(' ')} at the end.`,
    `Medians in ms over n samples (one photo = one sample, ${opts.runs} pass${opts.runs === 1 ? '' : 'es'}); total = the median of each photo's sum of stages.`,
    `Large photo: ${large.width}x${large.height} JPEG upscaled from ${large.source}, made for this run.`,
    '',
  );
  out.push(
    table(
      ['env', 'model', 'photos', 'n', ...COLUMNS, 'backend'],
      results.map((r) => [
        r.env,
        r.model,
        setLabel(r.set),
        String(r.samples) + (r.failed ? ` (${r.failed} failed)` : ''),
        ...COLUMNS.map((c) => fmtMs(r.medianMs[c])),
        `${r.backend} x${r.threads}`,
      ]),
      3,
    ),
  );
  if (ratios.length) {
    out.push('', `Time as a ratio of ${opts.baseline}'s (median / median, same run):`);
    out.push(table(['env', 'photos', 'model', 'total', 'infer'], ratios.map((r) => [r.env, setLabel(r.set), r.model, r.total.toFixed(2), r.infer.toFixed(2)]), 3));
  }
  out.push(
    '',
    `Memory on the large photo, MiB (Node: the process's RSS; Chromium: the RSS summed over its renderer processes, which hold the page and its worker).`,
    `idle = before the model opens; before = model open, just before the photo; peak = sampled every 100 ms; hwm = the kernel's exact peak (VmHWM);`,
    `worker = measureUserAgentSpecificMemory() for the worker after the photo (its WASM memory never shrinks, so about its peak).`,
  );
  out.push(
    table(
      ['env', 'model', 'idle', 'before', 'peak', 'hwm', 'peak-idle', 'peak-before', 'worker', 'node external/arrayBuffers'],
      memory.map((m) => [
        m.env,
        m.model,
        fmtMiB(m.mib.idle),
        fmtMiB(m.mib.before),
        fmtMiB(m.mib.peak),
        fmtMiB(m.mib.hwm),
        fmtMiB(m.peakOverIdle),
        fmtMiB(m.peakOverBefore),
        fmtMiB(m.mib.workerNow),
        m.env === 'node' ? `${fmtMiB(m.mib.external)}/${fmtMiB(m.mib.arrayBuffers)}` : '',
      ]),
      2,
    ),
  );
  for (const m of memory) if (m.mib.note) out.push(`note (${m.env} ${m.model}): ${m.mib.note}`);
  const first = firstPhoto.map((r) => {
    const med = (pick: (s: FirstPhotoSample) => number | undefined) => median(r.samples.map(pick).filter((v): v is number => v !== undefined));
    // The service worker's precache fetches the plain .wasm a second time (its size unknown here): one entry per file.
    const sizes = new Map<string, number>();
    for (const w of r.samples.flatMap((s) => s.wasm)) sizes.set(w.file, Math.max(sizes.get(w.file) ?? 0, w.bytes || 0));
    const files = [...sizes].map(([file, bytes]) => `${file} (${(bytes / 1e6).toFixed(1)} MB)`);
    return {
      build: r.build,
      model: r.model,
      photo: r.photo,
      loads: r.samples.length,
      failed: r.failures.length,
      medianMs: { total: med((s) => s.total), ort: med((s) => s.ort), fetch: med((s) => s.fetch), session: med((s) => s.session), infer: med((s) => s.infer), stages: med((s) => s.stages) },
      wasm: files,
      wrongWasm: r.wrongWasm,
    };
  });
  if (first.length) {
    out.push(
      '',
      `First photo: fresh browser (empty cache) -> app -> ${first[0].photo} chosen at once -> cutout shown, model ${first[0].model}, medians in ms over n loads.`,
      `import = onnxruntime-web's JS; fetch = the model's download; session = opening it (includes compiling the .wasm); photo = the photo's stages (infer alone too).`,
    );
    out.push(
      table(
        ['onnxruntime build', 'n', 'total', 'import', 'fetch', 'session', 'photo', 'infer', '.wasm fetched'],
        first.map((f) => [
          f.build === 'wasm' ? 'wasm (the app)' : 'default bundle',
          String(f.loads) + (f.failed ? ` (${f.failed} failed)` : ''),
          ...(['total', 'ort', 'fetch', 'session', 'stages', 'infer'] as const).map((k) => fmtMs(f.medianMs[k])),
          f.wasm.join(', '),
        ]),
        1,
      ),
    );
    for (const f of first) if (f.wrongWasm) out.push(`WRONG .wasm (${f.build} build): ${f.wrongWasm}`);
  }
  for (const r of runs) for (const f of r.failures) out.push(`failed (${r.env} ${r.model}): ${f.file}: ${f.error}`);
  console.log(out.join('\n'));

  const head = git(['rev-parse', '--short', 'HEAD']);
  const json = {
    bench: 'clearcut',
    date: started.toISOString(),
    git: head ? `${head}${git(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : ''}` : undefined,
    machine: { cpus: cpus().length, availableParallelism: availableParallelism(), cpu: cpus()[0]?.model.trim(), loadavg: load, node: process.version, chromium: chromiumVersion },
    runs: opts.runs,
    photos: { dir: opts.dir, count: photos.length, files: photos.map((p) => basename(p)) },
    large: { source: large.source, width: large.width, height: large.height, megapixels: large.megapixels },
    results,
    ratios,
    memory,
    firstPhoto: first,
  };
  console.log(JSON.stringify(json));
}

if (process.argv.includes('--child')) {
  process.once('message', (request: ChildRequest) => {
    nodeChild(request).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err) => process.send!({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1)),
    );
  });
} else {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
