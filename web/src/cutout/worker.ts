/**
 * The cutout worker: the engine (./engine.ts) exposed as a typed comlink API. Large
 * buffers cross with comlink's transfer(), never copied. The page starts three of these
 * (./bridge.ts): one runs the network, one decodes, preprocesses and encodes around it,
 * one exports.
 */
import * as Comlink from 'comlink';
import { BrowserEngine, type CutRequest } from './engine.ts';
import type { RgbaImage } from './image.ts';
import type { ExportRequest } from './export.ts';
import type { DownloadProgress } from './model.ts';
import type { Stage } from './pipeline.ts';
import { preparedBuffers, type PreparedPhoto } from './prepared.ts';

const engine = new BrowserEngine();

const api = {
  /** Picks the backend (once per worker; `threads` forces the WASM thread count) and says what it is. */
  init: (threads?: number) => engine.init(threads),

  /** Downloads (or reads from Cache Storage) and opens a level's models, reporting their bytes summed. */
  loadModel: (modelId?: string, onProgress?: (p: DownloadProgress) => void) => engine.loadModel(modelId, onProgress),

  /** Decodes and preprocesses one photo; the pixels and the network's input are transferred. */
  async prepare(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void) {
    const prepared = await engine.prepare(jobId, file, request, onStage);
    return Comlink.transfer(prepared, preparedBuffers(prepared));
  },

  /** Runs the network, refines and composes a prepared photo (whose buffers should be transferred); the matte and cutout are transferred back. */
  async cutPrepared(jobId: number, prepared: PreparedPhoto, request: CutRequest = {}, onStage?: (stage: Stage) => void) {
    const result = await engine.cutPrepared(jobId, prepared, request, onStage);
    return Comlink.transfer(result, [result.alpha.buffer, result.cutout.data.buffer]);
  },

  /** Encodes a cutout (its buffer should be transferred). */
  encode: (jobId: number, cutout: RgbaImage, request: CutRequest = {}, onStage?: (stage: Stage) => void) => engine.encode(jobId, cutout, request, onStage),

  /** Stops a running job at its next stage boundary. */
  cancel: (jobId: number) => engine.cancel(jobId),

  /** Exports a cutout with its (touched-up) matte; the matte's buffer should be transferred. */
  exportCutout: (file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest) =>
    engine.exportCutout(file, { width, height, data: alpha }, request),
};

/** The worker's API, as the bridge sees it through comlink. */
export type EngineApi = typeof api;

Comlink.expose(api);
