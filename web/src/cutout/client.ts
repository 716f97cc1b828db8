/**
 * The main thread's side of the worker: starts it lazily, runs one cut at a time in
 * order, takes an AbortSignal on every call, and drops the results of cancelled jobs.
 */
import * as Comlink from 'comlink';
import { abortError } from './errors.ts';
import type { Backend } from './infer.ts';
import type { ExportRequest } from './export.ts';
import type { DownloadProgress } from './model.ts';
import type { Stage } from './pipeline.ts';
import type { CutRequest, CutResult, EngineApi, EngineInfo } from './worker.ts';

export type { CutRequest, CutResult, EngineInfo } from './worker.ts';
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

export class CutoutClient {
  #worker?: Worker;
  #api?: Comlink.Remote<EngineApi>;
  #queue: Promise<unknown> = Promise.resolve();
  #nextJob = 1;
  readonly #prefer?: Backend;
  /** Told what each finished cut ran on: a model WebGPU cannot run moves to WASM during its first cut. */
  onEngine?: (info: EngineInfo) => void;
  #exportApi?: Comlink.Remote<EngineApi>;
  #exportQueue: Promise<unknown> = Promise.resolve();

  constructor(options: { prefer?: Backend } = {}) {
    this.#prefer = options.prefer;
  }

  get #remote(): Comlink.Remote<EngineApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'cutout' });
      this.#api = Comlink.wrap<EngineApi>(this.#worker);
    }
    return this.#api;
  }

  /** Chooses the backend and reports it. */
  init(): Promise<EngineInfo> {
    return this.#remote.init(this.#prefer);
  }

  /** Downloads and opens a model, with byte progress. */
  async loadModel(signal: AbortSignal | undefined, modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    await this.init();
    return abortable(signal, this.#remote.loadModel(modelId, onProgress && Comlink.proxy(onProgress)));
  }

  /** Queues one photo; resolves when its cutout is ready, after the jobs before it. */
  cut(signal: AbortSignal | undefined, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const job = this.#nextJob++;
    const inWorker = this.#queue.then(async () => {
      if (signal?.aborted) throw abortError();
      await this.init();
      const onAbort = () => void this.#remote.cancel(job);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await this.#remote.cut(job, file, request, onStage && Comlink.proxy(onStage));
        this.onEngine?.(result.engine);
        return result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
    // The next job waits for this one to leave the worker, even when its caller has
    // already been told it was cancelled: one session runs one photo at a time.
    this.#queue = inWorker.catch(() => {});
    return abortable(signal, inWorker);
  }

  /**
   * Exports a cutout in a second instance of the worker, so exports never wait behind
   * queued cutouts; exports run one at a time, in order. `alpha`'s buffer is transferred:
   * pass a copy if it is still needed.
   */
  exportCutout(signal: AbortSignal | undefined, file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest): Promise<Blob> {
    this.#exportApi ??= Comlink.wrap<EngineApi>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'export' }));
    const remote = this.#exportApi;
    const inWorker = this.#exportQueue.then(() => {
      if (signal?.aborted) throw abortError();
      return remote.exportCutout(file, Comlink.transfer(alpha, [alpha.buffer]), width, height, request);
    });
    this.#exportQueue = inWorker.catch(() => {});
    return abortable(signal, inWorker);
  }

  /** Ends the worker; the next call starts a fresh one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
    this.#queue = Promise.resolve();
  }
}
