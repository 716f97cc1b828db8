/**
 * The main thread's side of the engine. `CutoutBridge` owns three workers (./worker.ts),
 * each started on first use: one runs the network and keeps the model open; one decodes,
 * preprocesses and encodes around it, so a batch's next photo is decoded and this one's
 * cutout encoded while the network runs; one exports, so an export never waits behind
 * queued cutouts. Each step runs one photo at a time, in order (./schedule.ts); every call
 * takes an AbortSignal, and the results of cancelled jobs are dropped. Pixels pass from
 * worker to worker through the page by transfer, never copied.
 */
import * as Comlink from 'comlink';
import type { CutRequest, CutResult, EngineInfo } from './engine.ts';
import type { ExportRequest } from './export.ts';
import type { DownloadProgress } from './model.ts';
import type { Stage } from './pipeline.ts';
import { addTimings } from './timings.ts';
import { preparedBuffers } from './prepared.ts';
import { abortable, PhotoPipeline, SerialQueue } from './schedule.ts';
import type { EngineApi } from './worker.ts';

export type { CutRequest, CutResult, EngineInfo } from './engine.ts';
export type { ExportBackground, ExportRequest } from './export.ts';
export { abortable } from './schedule.ts';

type Remote = Comlink.Remote<EngineApi>;

/**
 * The page's workers, each from its own URL (`?lane=` and its name, which the precache
 * ignores: vite.config.ts). WebKit sends some of several workers started at once from one
 * URL to the network instead of the service worker: offline, the second engine worker
 * failed with "Importing a module script failed". Named `Worker` so that Vite still sees
 * `new Worker(new URL(...))` below and bundles the worker.
 */
const Worker: typeof globalThis.Worker =
  typeof globalThis.Worker === 'function'
    ? class extends globalThis.Worker {
        constructor(url: string | URL, options?: WorkerOptions) {
          const own = new URL(url, location.href);
          if (options?.name) own.searchParams.set('lane', options.name);
          super(own, options);
        }
      }
    : globalThis.Worker;

/** True for the error a worker whose WASM threads failed to start rejects with (thread-workers.ts). */
function threadsFailed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ThreadsFailedError';
}

/** One started worker: its comlink remote, and a promise that rejects once it is ended. */
interface Started {
  remote: Remote;
  ended: Promise<never>;
  end(): void;
}

/** One worker, started on first use. */
class LazyWorker {
  #started?: Started;

  /** `name` shows in the browser's developer tools. */
  constructor(readonly name: string) {}

  /** The worker's API (starting the worker on first use). */
  get remote(): Remote {
    return this.#start().remote;
  }

  #start(): Started {
    if (!this.#started) {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: this.name });
      let end!: () => void;
      const ended = new Promise<never>((_, reject) => {
        end = () => {
          worker.terminate();
          const err = new Error('the worker was replaced after its WebAssembly threads failed to start');
          err.name = 'ThreadsFailedError';
          reject(err);
        };
      });
      ended.catch(() => {});
      this.#started = { remote: Comlink.wrap<EngineApi>(worker), ended, end };
    }
    return this.#started;
  }

  /**
   * Runs `call` on the worker; when its WASM threads failed to start (its runtime would wait
   * for them forever), ends that worker and runs `call` once more on a new one, which
   * remembers the failure and runs on one thread. Calls still waiting on the ended worker
   * are run again on the new one too: nothing queued is lost.
   */
  async withRestart<T>(call: (remote: Remote) => Promise<T>): Promise<T> {
    const started = this.#start();
    try {
      return await Promise.race([call(started.remote), started.ended]);
    } catch (err) {
      if (!threadsFailed(err)) throw err;
      // Calls that failed together end the worker once.
      if (this.#started === started) {
        this.#started = undefined;
        started.end();
      }
      return call(this.remote);
    }
  }
}

/**
 * Runs step `call` of job `job` on `remote`; aborting `signal` also stops it inside the
 * worker (at its next stage boundary).
 */
async function jobStep<T>(remote: Remote, signal: AbortSignal | undefined, job: number, call: (remote: Remote) => Promise<T>): Promise<T> {
  const onAbort = () => void remote.cancel(job);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(remote);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The engine's workers, for the page: the one owner is the workbench's EngineState. */
export class CutoutBridge {
  readonly #network = new LazyWorker('cutout');
  /** Decodes and preprocesses before the network, encodes after it. */
  readonly #ends = new LazyWorker('cutout-stages');
  readonly #exporter = new LazyWorker('export');
  readonly #pipeline = new PhotoPipeline();
  readonly #exports = new SerialQueue();
  #nextJob = 1;
  /** The WASM thread count the page forces (forced-threads.ts), or undefined for the probe's. */
  readonly #threads?: number;
  /** Told what each finished cut ran on: a model WebGPU cannot run moves to WASM during its first cut. */
  onEngine?: (info: EngineInfo) => void;

  constructor(options: { threads?: number } = {}) {
    this.#threads = options.threads;
  }

  /** Chooses the backend and reports it; starts the worker around the network too, so the first photo does not wait for it. */
  init(): Promise<EngineInfo> {
    void this.#ends.remote;
    return this.#network.withRestart((remote) => remote.init(this.#threads));
  }

  /**
   * Downloads and opens a level's models (its own and its second opinion's), with their bytes
   * summed in one progress (beside queued cuts: they wait for it in the worker).
   */
  async loadModel(signal: AbortSignal | undefined, modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    await this.init();
    return abortable(signal, this.#network.withRestart((remote) => remote.loadModel(modelId, onProgress && Comlink.proxy(onProgress))));
  }

  /**
   * Queues one photo; resolves when its cutout is ready, after the jobs before it. The
   * photo is decoded and preprocessed once the job before it has reached the network (or
   * ended), and encoded while the job after it runs the network.
   */
  async cut(signal: AbortSignal | undefined, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const job = this.#nextJob++;
    // A stage a worker reports after the caller cancelled must not make the job look alive again.
    const stage = onStage && Comlink.proxy((s: Stage) => void (signal?.aborted || onStage(s)));
    return this.#pipeline.run(signal, {
      prepare: () => jobStep(this.#ends.remote, signal, job, (remote) => remote.prepare(job, file, request, stage)),
      network: async (prepared) => {
        // The model open first (on a new worker if this one's threads failed to start), so the
        // photo's pixels are transferred only to a worker that can run them.
        await this.#network.withRestart(async (remote) => {
          await remote.init(this.#threads);
          return remote.loadModel(request.modelId);
        });
        return jobStep(this.#network.remote, signal, job, async (remote) => {
          const { width, height } = prepared.image;
          const cut = await remote.cutPrepared(job, Comlink.transfer(prepared, preparedBuffers(prepared)), request, stage);
          this.onEngine?.(cut.engine);
          return { ...cut, width, height, timings: addTimings(prepared.timings, cut.timings) };
        });
      },
      finish: (cut) =>
        jobStep(this.#ends.remote, signal, job, async (remote) => {
          const encoded = await remote.encode(job, Comlink.transfer(cut.cutout, [cut.cutout.data.buffer]), request, stage);
          const { alpha, width, height, modelId, models, engine } = cut;
          return { file: encoded.file, alpha, width, height, modelId, models, timings: { ...cut.timings, ...encoded.timings }, engine };
        }),
    });
  }

  /**
   * Exports a cutout in the export worker, one export at a time, in order. `alpha`'s
   * buffer is transferred: pass a copy if it is still needed.
   */
  export(signal: AbortSignal | undefined, file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest): Promise<Blob> {
    return this.#exports.run(signal, () => this.#exporter.remote.exportCutout(file, Comlink.transfer(alpha, [alpha.buffer]), width, height, request));
  }
}
