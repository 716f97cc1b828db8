/**
 * The engine as the browser worker runs it, in three steps a photo goes through in turn:
 * `prepare` (decode -> preprocess), `cutPrepared` (infer -> refine -> compose, with the
 * model sessions of ./sessions.ts) and `encode`. The bridge (./bridge.ts) runs the first
 * and last in one worker and the middle one in another, so a batch's next photo is decoded
 * while this one's network runs. Cancellation by job id at every step; exports. The worker
 * (./worker.ts) only exposes it over comlink.
 */
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import type { OutputFormat } from '../../../common/output-format.ts';
import { encodeInBrowser } from './encode.ts';
import { abortError } from './errors.ts';
import { exportInBrowser, type ExportRequest } from './export.ts';
import type { AlphaMatte, RgbaImage } from './image.ts';
import { runModel } from './infer.ts';
import { modelInfo, modelsOf, type DownloadProgress, type ModelInfo } from './model.ts';
import { cutInput, timed, type CutoutOptions, type Hooks, type Stage, type StageTimings } from './pipeline.ts';
import type { PreparedPhoto } from './prepared.ts';
import { preprocess, type ModelInput } from './preprocess.ts';
import { summedProgress } from './progress.ts';
import { engineInfo, ModelSessions, SAME_BACKEND, type EngineInfo, type Opened } from './sessions.ts';

export type { EngineInfo } from './sessions.ts';

export interface CutRequest extends CutoutOptions {
  modelId?: string;
  format?: OutputFormat;
  maxPixels?: number;
  /** The largest canvas to make (canvas-limit.ts); larger photos take the canvas-free paths. */
  canvasMaxPixels?: number;
}

export interface CutResult {
  /** The encoded cutout, for the page to show: at the photo's size when that is free, else at the free standard size (display.ts). */
  file: Blob;
  /** The matte at the photo's own size (the worker transfers its buffer): every export starts from it. */
  alpha: Uint8Array;
  width: number;
  height: number;
  modelId: string;
  /** The models whose network ran on this photo, in the order they first ran: the level's model, then its second opinion's. */
  models: string[];
  timings: StageTimings;
  engine: EngineInfo;
}

/** A photo cut out but not yet encoded: the matte, the composed pixels (at display size) and what ran. */
export interface CutPixels {
  alpha: Uint8Array;
  cutout: RgbaImage;
  modelId: string;
  /** As in CutResult. */
  models: string[];
  timings: StageTimings;
  engine: EngineInfo;
}

/** An encoded cutout and the encode stage's time. */
export interface Encoded {
  file: Blob;
  timings: StageTimings;
}

/** The browser engine: one per worker. */
export class BrowserEngine {
  /** The cuts in progress: their cancel switch, and a promise settled when each leaves the engine. */
  readonly #running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  readonly #sessions = new ModelSessions(() => this.#idle());

  /** Picks the backend (once; `threads` forces the WASM thread count) and says what it is. */
  async init(threads?: number): Promise<EngineInfo> {
    return (await this.#sessions.runtime(threads)).info;
  }

  /**
   * Downloads (or reads from Cache Storage) and opens a level's models (the model and its
   * second opinion's), one after the other (#openLevel), reporting their bytes summed. Says
   * what the level's own model runs on.
   */
  async loadModel(modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    const models = modelsOf(modelInfo(modelId));
    const level = models.map((m) => m.id);
    const progress = summedProgress(models.map((m) => m.bytes), onProgress);
    const opened = await this.#openLevel(level, progress);
    return engineInfo(await this.#sessions.runtime(), opened.get(level[0])!);
  }

  /**
   * A level's sessions, opened one after the other, by model id. Its second opinion runs on
   * the backend of the level's own model: with fp16 on WASM (a WebGPU adapter without
   * `shader-f16`) and Fast's model on WebGPU in one worker, Quality never finished a photo in
   * CI (SwiftShader), while each alone did. A second opinion already open on WebGPU (its own
   * level was used before) is reopened on WASM.
   */
  async #openLevel(level: readonly string[], progress: ((p: DownloadProgress) => void)[] = []): Promise<Map<string, Opened>> {
    const own = await this.#sessions.open(level[0], progress[0], level);
    const opened = new Map<string, Opened>([[level[0], own]]);
    const wasmOnly = own.backend === 'wasm';
    for (const [i, id] of level.entries()) {
      if (i === 0) continue;
      let second = await this.#sessions.open(id, progress[i], level, wasmOnly);
      if (wasmOnly && second.backend === 'webgpu') second = await this.#sessions.reopenOnWasm(id, second, new Error(SAME_BACKEND), level);
      opened.set(id, second);
    }
    return opened;
  }

  /** Decode and preprocess stages: the photo and the network's input. `cancel(jobId)` stops it between stages. */
  prepare(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<PreparedPhoto> {
    return this.#track(jobId, onStage, async (hooks) => {
      const timings: StageTimings = {};
      const image = await timed('decode', timings, hooks, () => decodeInBrowser(file, request.maxPixels ?? DEFAULT_MAX_PIXELS, request.canvasMaxPixels));
      const input = await timed('preprocess', timings, hooks, () => preprocess(image, modelInfo(request.modelId)));
      return { image, input, timings };
    });
  }

  /**
   * Infer, refine and compose stages on a prepared photo, with the sessions of the models it
   * runs (the level's model, and its second opinion's: each opened here when it is not). The
   * matte is at the photo's size; the cutout is composed at the size the page shows it
   * (display.ts), into the photo's own buffer when that is the same.
   */
  cutPrepared(jobId: number, prepared: PreparedPhoto, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutPixels> {
    return this.#track(jobId, onStage, async (hooks) => {
      const model = modelInfo(request.modelId);
      const level = modelsOf(model).map((m) => m.id);
      const runtime = await this.#sessions.runtime();
      const { ort } = runtime;
      // The sessions this photo uses, by model id: all of the level's open before any runs (outside
      // the infer stage's time), as loadModel opens them.
      const used = await this.#openLevel(level);
      const ran = new Set<string>();
      // Each call runs the session of the model whose input it is (a second opinion's input is at its own model's size).
      const infer = async (input: ModelInput, m: ModelInfo) => {
        let opened = used.get(m.id)!;
        let map: Float32Array;
        try {
          map = await runModel(ort, opened.session, input, m);
        } catch (err) {
          if (opened.backend !== 'webgpu' || hooks.signal.aborted) throw err;
          opened = await this.#sessions.reopenOnWasm(m.id, opened, err, level);
          map = await runModel(ort, opened.session, input, m);
        }
        used.set(m.id, opened);
        ran.add(m.id);
        return map;
      };
      // The page shows this cutout and exports its files from the matte: composed at display size.
      const result = await cutInput(prepared.image, prepared.input, model, infer, { ...request, display: true }, hooks, true);
      return {
        alpha: result.alpha.data,
        cutout: result.cutout,
        modelId: model.id,
        models: [...ran],
        timings: result.timings,
        engine: engineInfo(runtime, used.get(model.id)!),
      };
    });
  }

  /** Encode stage: the cutout as the requested format. */
  encode(jobId: number, cutout: RgbaImage, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<Encoded> {
    return this.#track(jobId, onStage, async (hooks) => {
      const timings: StageTimings = {};
      const file = await timed('encode', timings, hooks, () => encodeInBrowser(cutout, request.format ?? 'png', undefined, request.canvasMaxPixels));
      return { file, timings };
    });
  }

  /** Runs one step of a job with its cancel switch registered, and rejects if it was cancelled meanwhile. */
  async #track<T>(jobId: number, onStage: ((stage: Stage) => void) | undefined, step: (hooks: Hooks & { signal: AbortSignal }) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let finished!: () => void;
    this.#running.set(jobId, { controller, done: new Promise<void>((r) => (finished = r)) });
    try {
      const result = await step({ signal: controller.signal, onStage });
      if (controller.signal.aborted) throw abortError();
      return result;
    } finally {
      this.#running.delete(jobId);
      finished();
    }
  }

  /** Stops a running job at its next stage boundary. */
  cancel(jobId: number): void {
    this.#running.get(jobId)?.controller.abort();
  }

  /**
   * Exports a cutout: decodes the photo again, applies the (touched-up) matte, resizes,
   * puts the background behind and encodes.
   */
  exportCutout(file: Blob, alpha: AlphaMatte, request: ExportRequest): Promise<Blob> {
    return exportInBrowser(file, alpha, request);
  }

  /** Resolves once no cut is running. */
  async #idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()].map((job) => job.done));
  }
}
