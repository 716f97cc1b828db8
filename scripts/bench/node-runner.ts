/**
 * Node: each model measured in a fresh child process (node-child.ts), so one model's
 * memory never counts towards another's; one untimed warm-up photo first.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { peakRssKiB, resetPeak } from '../lib/proc-memory.ts';
import { fmtSample, kibToMib, log, mib, toSample, type ModelRun, type PhotoSet, type Sample } from './samples.ts';

/** What the parent sends a Node child. */
export interface ChildRequest {
  model: string;
  runs: number;
  sets: PhotoSet[];
  /** Which sets are timed (the first photo of 'photos' is the warm-up either way); all when left out. */
  timed?: PhotoSet['name'][];
}

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

/** Runs in the child: one model over every photo set, with memory figures around the large photo. */
export async function measureNodeModel(request: ChildRequest): Promise<ModelRun> {
  const idleKiB = Math.round(process.memoryUsage.rss() / 1024);
  // Imported here, after the idle figure, so the engine's own memory is not counted as idle.
  const { cutFileNode, nodeBackend, closeNodeSessions } = await import('../lib/node-engine.ts');
  const { encodeNode } = await import('../lib/node-codec.ts');
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
    if (request.timed && !request.timed.includes(set.name)) continue;
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
export function runNodeModel(request: ChildRequest): Promise<ModelRun> {
  return new Promise((resolvePromise, reject) => {
    // The child's stdout goes to our stderr: stdout carries only the table and the JSON.
    const child = fork(fileURLToPath(new URL('./node-child.ts', import.meta.url)), [], { stdio: ['ignore', 2, 2, 'ipc'] });
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
