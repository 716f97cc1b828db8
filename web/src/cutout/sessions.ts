/**
 * The session policy of the browser engine: which onnxruntime-web build and backend to use
 * (chosen once), and the sessions of one quality level kept open (its model, and its second
 * opinion's when it has one: model.ts `modelsOf`). The WebGPU build is loaded only when
 * the browser offers an adapter; otherwise the smaller WASM-only build. A model WebGPU
 * cannot run (static int8, float16 without `shader-f16`, or a run that fails) opens on WASM.
 *
 * Loading marks are left as User Timing measures (`clearcut:adapter`, `clearcut:threads`,
 * `clearcut:ort`, `clearcut:warm-up`, `clearcut:warm-up runs <n>`, `clearcut:fetch <id>`, `clearcut:session <id>`) in the
 * worker's own performance timeline, for `npm run bench`'s first-photo timeline.
 *
 * Debug switch, for the bench only: a build made with `VITE_ORT_BUILD=default` imports
 * the package's default entry (`onnxruntime-web`, whose JSEP .wasm is ~28 MB) instead,
 * to time what an app that imports it plainly pays for its first photo. Normal builds
 * fold the test away and never contain that entry.
 */
import type { InferenceSession } from 'onnxruntime-web';
import type { OutputFormat } from '../../../common/output-format.ts';
import { encoders, type Encoder } from './encode.ts';
import { chooseBackend, configureOrt, createSession, threadsInUse, type Backend, type BackendInfo, type OrtModule } from './infer.ts';
import { fetchModel, modelInfo, type DownloadProgress } from './model.ts';
import { hasFloat16Weights, hasInt8Weights } from './model-precision.ts';
import { ThreadsFailedError } from './errors.ts';
import { rememberThreadsFailed, threadsThatFailed, watchThreadWorkers } from './thread-workers.ts';
import { IdleTask } from './idle-task.ts';
import { deviceThreads, settleDeviceThreads } from './threads.ts';
import { withinTime } from './time-limit.ts';
import { warmUpRuntime, warmUpWithin } from './warm-up.ts';

/** How long the engine must stay idle before the thread probe runs again (threads.ts): longer than the gap between a batch's photos, and than the last one's encode. */
const SETTLE_THREADS_QUIET_MS = 5_000;

/** What the engine runs on. */
export interface EngineInfo extends BackendInfo {
  crossOriginIsolated: boolean;
  /** Who encodes each format here (the browser's canvas, or WASM where it cannot). */
  encoders: Partial<Record<OutputFormat, Encoder>>;
  /** Why WebGPU is not used, when it is not. */
  webgpuUnavailable?: string;
  /** How many WASM threads failed to start in this browser before: it runs on one since (thread-workers.ts). */
  threadsFailed?: number;
}

/** A model's open session, and the backend it really runs on. */
export interface Opened {
  session: InferenceSession;
  backend: Backend;
  /** Why this model is not on WebGPU although the engine is. */
  webgpuUnavailable?: string;
}

/** The onnxruntime-web module the engine loaded, and what it runs on. */
export interface Runtime {
  ort: OrtModule;
  info: EngineInfo;
}

/** Why the browser offers no WebGPU adapter, or undefined when it does (with whether it has `shader-f16`). */
async function webgpuAdapter(): Promise<{ unavailable?: string; shaderF16: boolean }> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string> } | null> } }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU', shaderF16: false };
  try {
    const adapter = await withinTime(gpu.requestAdapter(), 10_000, 'the WebGPU adapter request');
    if (!adapter) return { unavailable: 'no WebGPU adapter', shaderF16: false };
    return { shaderF16: adapter.features.has('shader-f16') };
  } catch (err) {
    return { unavailable: `WebGPU adapter request failed: ${err}`, shaderF16: false };
  }
}

/** `promise`, leaving a User Timing measure `name` from now to when it settles. */
async function measured<T>(name: string, promise: Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await promise;
  } finally {
    performance.measure(name, { start });
  }
}

/** Why a second opinion runs on WASM on a WebGPU engine. */
export const SAME_BACKEND = "its level's own model runs on WebAssembly here, and a level's models run on one backend";

/** The open model sessions of one worker (one level's at a time), on the backend chosen once. */
export class ModelSessions {
  #runtime?: Promise<Runtime>;
  /** The WASM runtime's warm-up (see warm-up.ts), started with the runtime. */
  #warmUp?: Promise<void>;
  /** Stops the warm-up model's further runs, which keep the kernels hot while the model downloads, and waits for its session to close. */
  #warmUpRuns?: () => Promise<void>;
  /** Rejects when one of onnxruntime's thread workers fails to load (thread-workers.ts); never resolves. */
  #threadsFailed: Promise<never> = new Promise<never>(() => {});
  /** Whether the WebGPU adapter has `shader-f16`, once the runtime has looked. */
  #shaderF16 = false;
  readonly #sessions = new Map<string, Promise<Opened>>();
  /** Models WebGPU failed to run in this worker, and why: they open on WASM from then on. */
  readonly #webgpuFailed = new Map<string, string>();
  /** Resolves once no cut is running: a session is released only then. */
  readonly #idle: () => Promise<void>;
  /** Measures the thread count while the engine is idle, for its next start, where none measured so is kept (threads.ts). */
  #settleThreads?: IdleTask;

  constructor(idle: () => Promise<void>) {
    this.#idle = idle;
  }

  /** Picks the backend and loads its onnxruntime-web build, once; the first call's `forcedThreads` (?threads=) replaces the probe's count. */
  runtime(forcedThreads?: number): Promise<Runtime> {
    this.#runtime ??= (async () => {
      const adapter = await measured('clearcut:adapter', webgpuAdapter());
      this.#shaderF16 = adapter.shaderF16;
      const webgpuUnavailable = adapter.unavailable;
      const sharedArrayBuffer = typeof SharedArrayBuffer === 'function';
      const canThread = sharedArrayBuffer && self.crossOriginIsolated;
      // Threads that once failed to start here would hang again: one thread starts no thread workers.
      const threadsFailed = canThread ? await threadsThatFailed() : undefined;
      const choice = chooseBackend({
        webgpu: !webgpuUnavailable,
        crossOriginIsolated: self.crossOriginIsolated,
        sharedArrayBuffer,
        hardwareConcurrency: navigator.hardwareConcurrency,
        measuredThreads: threadsFailed ? 1 : (forcedThreads ?? (await measured('clearcut:threads', deviceThreads(canThread, navigator.hardwareConcurrency)))),
      });
      if (choice.threads > 1) this.#threadsFailed = watchThreadWorkers();
      if (canThread && !threadsFailed && forcedThreads === undefined) {
        this.#settleThreads = new IdleTask(SETTLE_THREADS_QUIET_MS, (signal) => settleDeviceThreads(navigator.hardwareConcurrency, signal));
      }
      const started = performance.now();
      const ort: OrtModule =
        import.meta.env.VITE_ORT_BUILD === 'default'
          ? await import('onnxruntime-web')
          : choice.backend === 'webgpu'
            ? await import('onnxruntime-web/webgpu')
            : await import('onnxruntime-web/wasm');
      performance.measure('clearcut:ort', { start: started });
      configureOrt(ort, choice);
      // Compiles the .wasm and starts its threads now, while the page loads and the model downloads,
      // not in front of the first photo. A failure here is not fatal: opening the model reports its own.
      if (choice.backend === 'wasm') {
        const warmUpStarted = performance.now();
        const warmUp = warmUpRuntime(ort);
        const ready = warmUp.ready.then(() => void performance.measure('clearcut:warm-up', { start: warmUpStarted }));
        this.#warmUp = warmUpWithin(ready, choice.threads, this.#threadsFailed);
        this.#warmUp.catch(() => {}); // open() reports it
        let finished: Promise<void> | undefined;
        this.#warmUpRuns = () =>
          (finished ??= warmUp.finish().then((runs) => void performance.measure(`clearcut:warm-up runs ${runs}`, { start: warmUpStarted })));
      }
      return { ort, info: { ...choice, crossOriginIsolated: self.crossOriginIsolated, encoders: await encoders(), webgpuUnavailable, threadsFailed } };
    })();
    return this.#runtime;
  }

  /**
   * The model's open session, downloading (or reading from Cache Storage) and opening it
   * when it is not open. `level` is every model the cut or load asking runs (modelsOf of its
   * level: this one and its second opinion's); the sessions of models outside it are closed
   * (see releaseOthers), those inside it stay open together. `wasmOnly`: open it on WASM even
   * on a WebGPU engine (a second opinion whose level's own model runs on WASM; see engine.ts).
   */
  open(modelId: string, onProgress?: (p: DownloadProgress) => void, level: readonly string[] = [modelId], wasmOnly = false): Promise<Opened> {
    // Every cut and load opens its model first: the idle probe stops for it, and may run again after it.
    this.#settleThreads?.busy();
    // On every call, not only when opening: going from Quality to Fast finds Fast's model open
    // already (Quality's second opinion), and must still close Quality's own.
    this.#releaseOthers(level);
    let s = this.#sessions.get(modelId);
    if (!s) {
      s = (async () => {
        // The download and the runtime's start (import, .wasm compile, threads) overlap.
        let started = performance.now();
        const fetched = fetchModel(modelInfo(modelId), onProgress).then((model) => {
          performance.measure(`clearcut:fetch ${modelId}`, { start: started });
          return model;
        });
        const [{ ort, info }, { bytes, kept }] = await Promise.all([this.runtime(), fetched]);
        try {
          await this.#warmUp;
        } catch (err) {
          // The runtime waits for its threads forever: the bridge starts a new worker, which runs one.
          await rememberThreadsFailed(info.threads);
          throw err;
        }
        await this.#warmUpRuns?.();
        started = performance.now();
        const refused =
          info.backend !== 'webgpu' ? undefined : wasmOnly ? SAME_BACKEND : this.#webgpuRefuses(modelId, bytes);
        const backend: Backend = info.backend === 'webgpu' && !refused ? 'webgpu' : 'wasm';
        const opened = await Promise.race([createSession(ort, bytes, backend), this.#threadsFailed]).catch(async (err) => {
          if (err instanceof ThreadsFailedError) await rememberThreadsFailed(info.threads);
          throw err;
        });
        performance.measure(`clearcut:session ${modelId}`, { start: started });
        // The download was written to Cache Storage while the session opened; the page asks which
        // models are kept once this resolves. One that could not be kept (storage full) still cuts:
        // Settings then says it is not available offline.
        await kept.catch(() => {});
        return { session: opened, backend, webgpuUnavailable: refused };
      })();
      this.#sessions.set(modelId, s);
      // A failed load must not stick: the next call tries again (for example once back online).
      s.catch(() => {
        if (this.#sessions.get(modelId) === s) this.#sessions.delete(modelId);
      });
    }
    s.then(() => this.#idle()).then(
      () => this.#settleThreads?.quiet(),
      () => {},
    );
    return s;
  }

  /**
   * WebGPU failed to run the model (a failure onnxruntime reports; the float16 case it does
   * not report is caught before, by #webgpuRefuses). Reopens it on WASM, which every
   * onnxruntime-web build has, for good. `level` as in open: the level's other session stays open.
   */
  reopenOnWasm(modelId: string, failed: Opened, err: unknown, level: readonly string[] = [modelId]): Promise<Opened> {
    this.#webgpuFailed.set(modelId, `WebGPU could not run this model: ${err instanceof Error ? err.message : String(err)}`);
    void failed.session.release().catch(() => {});
    if (this.#sessions.get(modelId)) this.#sessions.delete(modelId);
    return this.open(modelId, undefined, level);
  }

  /** Why WebGPU cannot run these model bytes here, or undefined when it can. */
  #webgpuRefuses(modelId: string, bytes: Uint8Array): string | undefined {
    if (this.#webgpuFailed.has(modelId)) return this.#webgpuFailed.get(modelId);
    try {
      if (hasInt8Weights(bytes)) return "this model is static int8, which onnxruntime-web's WASM backend runs with int8 kernels and its WebGPU backend does not";
      if (this.#shaderF16) return undefined;
      return hasFloat16Weights(bytes) ? 'this model computes in float16 and the WebGPU adapter has no shader-f16' : undefined;
    } catch (err) {
      return this.#shaderF16 ? undefined : `its precision could not be read (${err}), and the WebGPU adapter has no shader-f16`;
    }
  }

  /**
   * Closes every session but those of `keep` (one level's models) once the cuts running now
   * are done. A level's models stay open together because each of its photos runs them all:
   * closing one to open the other would reopen both for every photo of a batch. A session
   * holds its weights and arena in the WASM heap, which never shrinks: keeping another
   * level's as well would add its size to the worker's peak for good, while switching back
   * only costs opening it again from Cache Storage.
   */
  #releaseOthers(keep: readonly string[]): void {
    for (const [id, s] of this.#sessions) {
      if (keep.includes(id)) continue;
      this.#sessions.delete(id);
      void this.#idle()
        .then(() => s)
        .then((old) => old.session.release())
        .catch(() => {});
    }
  }
}

/** What the engine runs this model on, threads as onnxruntime-web really runs them (it falls back to one quietly). */
export function engineInfo({ ort, info }: Runtime, opened: Opened): EngineInfo {
  return { ...info, backend: opened.backend, threads: threadsInUse(ort), webgpuUnavailable: opened.webgpuUnavailable ?? info.webgpuUnavailable };
}
