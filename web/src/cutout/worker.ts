/**
 * The cutout worker: the engine (./engine.ts) exposed as a typed comlink API. Large
 * buffers cross with comlink's transfer(), never copied. The page starts two of these
 * (./bridge.ts): one cuts photos, one exports them.
 */
import * as Comlink from 'comlink';
import { BrowserEngine, type CutRequest, type CutResult } from './engine.ts';
import type { ExportRequest } from './export.ts';
import type { DownloadProgress } from './model.ts';
import type { Stage } from './pipeline.ts';

const engine = new BrowserEngine();

const api = {
  /** Picks the backend (once per worker) and says what it is. */
  init: () => engine.init(),

  /** Downloads (or reads from Cache Storage) and opens a model, reporting bytes. */
  loadModel: (modelId?: string, onProgress?: (p: DownloadProgress) => void) => engine.loadModel(modelId, onProgress),

  /** Cuts one photo out; the matte's buffer is transferred. `cancel(jobId)` stops it. */
  async cut(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const result = await engine.cut(jobId, file, request, onStage);
    return Comlink.transfer(result, [result.alpha.buffer]);
  },

  /** Stops a running job at its next stage boundary. */
  cancel: (jobId: number) => engine.cancel(jobId),

  /** Exports a cutout with its (touched-up) matte; the matte's buffer should be transferred. */
  exportCutout: (file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest) =>
    engine.exportCutout(file, { width, height, data: alpha }, request),
};

/** The worker's API, as the bridge sees it through comlink. */
export type EngineApi = typeof api;

Comlink.expose(api);
