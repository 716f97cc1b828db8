/**
 * The main thread's side of the engine. `CutoutBridge` owns two workers (./worker.ts), each
 * started on first use: one cuts photos and keeps the model open, one exports, so an
 * export never waits behind queued cutouts. Each runs one call at a time, in order; every
 * call takes an AbortSignal, and the results of cancelled jobs are dropped.
 */
import * as Comlink from 'comlink';
import { abortError } from './errors.ts';
import type { CutRequest, CutResult, EngineInfo } from './engine.ts';
import type { ExportRequest } from './export.ts';
import type { DownloadProgress } from './model.ts';
import type { Stage } from './pipeline.ts';
import type { EngineApi } from './worker.ts';

export type { CutRequest, CutResult, EngineInfo } from './engine.ts';
export type { ExportBackground, ExportRequest } from './export.ts';

/** Resolves with `promise`, or rejects with an AbortError as soon as `signal` aborts. */
export function abortable<T>(signal: AbortSignal | undefined, promise: Promise<T>): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One worker, started on first use, with a serial queue in front of it. */
class WorkerLane {
  #remote?: Comlink.Remote<EngineApi>;
  #queue: Promise<unknown> = Promise.resolve();

  /** `name` shows in the browser's developer tools. */
  constructor(readonly name: string) {}

  /** The worker's API (starting the worker on first use). */
  get remote(): Comlink.Remote<EngineApi> {
    this.#remote ??= Comlink.wrap<EngineApi>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: this.name }));
    return this.#remote;
  }

  /**
   * Runs `call` once every call queued before it has left the worker, even those whose
   * callers were already told they were cancelled: the worker runs one job at a time.
   * Rejects with an AbortError as soon as `signal` aborts; a call still queued then never runs.
   */
  run<T>(signal: AbortSignal | undefined, call: (remote: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    const inWorker = this.#queue.then(() => {
      if (signal?.aborted) throw abortError();
      return call(this.remote);
    });
    this.#queue = inWorker.catch(() => {});
    return abortable(signal, inWorker);
  }
}

/** The engine's two workers, for the page: the one owner is the workbench's EngineState. */
export class CutoutBridge {
  readonly #cutter = new WorkerLane('cutout');
  readonly #exporter = new WorkerLane('export');
  #nextJob = 1;
  /** Told what each finished cut ran on: a model WebGPU cannot run moves to WASM during its first cut. */
  onEngine?: (info: EngineInfo) => void;

  /** Chooses the backend and reports it. */
  init(): Promise<EngineInfo> {
    return this.#cutter.remote.init();
  }

  /** Downloads and opens a model, with byte progress (beside queued cuts: they wait for it in the worker). */
  async loadModel(signal: AbortSignal | undefined, modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    await this.init();
    return abortable(signal, this.#cutter.remote.loadModel(modelId, onProgress && Comlink.proxy(onProgress)));
  }

  /** Queues one photo; resolves when its cutout is ready, after the jobs before it. */
  cut(signal: AbortSignal | undefined, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const job = this.#nextJob++;
    return this.#cutter.run(signal, async (remote) => {
      await this.init();
      const onAbort = () => void remote.cancel(job);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await remote.cut(job, file, request, onStage && Comlink.proxy(onStage));
        this.onEngine?.(result.engine);
        return result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /**
   * Exports a cutout in the export worker, one export at a time, in order. `alpha`'s
   * buffer is transferred: pass a copy if it is still needed.
   */
  export(signal: AbortSignal | undefined, file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest): Promise<Blob> {
    return this.#exporter.run(signal, (remote) => remote.exportCutout(file, Comlink.transfer(alpha, [alpha.buffer]), width, height, request));
  }
}
