/**
 * The engine as the browser worker runs it: decode -> cutPixels -> encode for each photo,
 * with the model sessions of ./sessions.ts, cancellation by job id, and exports. The worker
 * (./worker.ts) only exposes it over comlink.
 */
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import type { OutputFormat } from '../../../common/output-format.ts';
import { encodeInBrowser } from './encode.ts';
import { abortError } from './errors.ts';
import { exportInBrowser, type ExportRequest } from './export.ts';
import type { AlphaMatte } from './image.ts';
import { runModel } from './infer.ts';
import { modelInfo, type DownloadProgress } from './model.ts';
import { cutPixels, timed, type CutoutOptions, type Stage, type StageTimings } from './pipeline.ts';
import type { ModelInput } from './preprocess.ts';
import { engineInfo, ModelSessions, type EngineInfo } from './sessions.ts';

export type { EngineInfo } from './sessions.ts';

export interface CutRequest extends CutoutOptions {
  modelId?: string;
  format?: OutputFormat;
  maxPixels?: number;
  /** The largest canvas to make (canvas-limit.ts); larger photos take the canvas-free paths. */
  canvasMaxPixels?: number;
}

export interface CutResult {
  /** The encoded cutout. */
  file: Blob;
  /** The matte at the photo's own size (the worker transfers its buffer). */
  alpha: Uint8Array;
  width: number;
  height: number;
  modelId: string;
  timings: StageTimings;
  engine: EngineInfo;
}

/** The browser engine: one per worker. */
export class BrowserEngine {
  /** The cuts in progress: their cancel switch, and a promise settled when each leaves the engine. */
  readonly #running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  readonly #sessions = new ModelSessions(() => this.#idle());

  /** Picks the backend (once) and says what it is. */
  async init(): Promise<EngineInfo> {
    return (await this.#sessions.runtime()).info;
  }

  /** Downloads (or reads from Cache Storage) and opens a model, reporting bytes. */
  async loadModel(modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    const opened = await this.#sessions.open(modelInfo(modelId).id, onProgress);
    return engineInfo(await this.#sessions.runtime(), opened);
  }

  /** Cuts one photo out. Stage names are reported as they start; `cancel(jobId)` stops it. */
  async cut(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const controller = new AbortController();
    let finished!: () => void;
    this.#running.set(jobId, { controller, done: new Promise<void>((r) => (finished = r)) });
    const hooks = { signal: controller.signal, onStage };
    try {
      const model = modelInfo(request.modelId);
      const runtime = await this.#sessions.runtime();
      const { ort } = runtime;
      let opened = await this.#sessions.open(model.id);
      const infer = async (input: ModelInput) => {
        try {
          return await runModel(ort, opened.session, input, model);
        } catch (err) {
          if (opened.backend !== 'webgpu' || controller.signal.aborted) throw err;
          opened = await this.#sessions.reopenOnWasm(model.id, opened, err);
          return runModel(ort, opened.session, input, model);
        }
      };
      const timings: StageTimings = {};
      const image = await timed('decode', timings, hooks, () => decodeInBrowser(file, request.maxPixels ?? DEFAULT_MAX_PIXELS, request.canvasMaxPixels));
      // The decoded photo is needed for nothing else: the cutout is composed into its buffer.
      const result = await cutPixels(image, model, infer, request, hooks, true);
      Object.assign(timings, result.timings);
      const out = await timed('encode', timings, hooks, () => encodeInBrowser(result.cutout, request.format ?? 'png', undefined, request.canvasMaxPixels));
      if (controller.signal.aborted) throw abortError();
      return {
        file: out,
        alpha: result.alpha.data,
        width: image.width,
        height: image.height,
        modelId: model.id,
        timings,
        engine: engineInfo(runtime, opened),
      };
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
