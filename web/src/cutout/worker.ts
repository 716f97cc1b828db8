/**
 * The one cutout worker. It owns onnxruntime-web and one session per model, and exposes a
 * typed API with comlink. The WebGPU build of onnxruntime-web is loaded only when the
 * browser offers an adapter; otherwise the smaller WASM-only build.
 */
import * as Comlink from 'comlink';
import type { InferenceSession } from 'onnxruntime-web';
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import { encodeInBrowser, type OutputFormat } from './encode.ts';
import { abortError } from './errors.ts';
import { exportInBrowser, type ExportRequest } from './export.ts';
import { chooseBackend, configureOrt, createSession, runModel, type Backend, type BackendInfo, type OrtModule } from './infer.ts';
import { fetchModel, modelInfo, type DownloadProgress } from './model.ts';
import { cutPixels, timed, type CutoutOptions, type Stage, type StageTimings } from './pipeline.ts';

/** What the engine runs on. */
export interface EngineInfo extends BackendInfo {
  crossOriginIsolated: boolean;
  /** Why WebGPU is not used, when it is not. */
  webgpuUnavailable?: string;
}

export interface CutRequest extends CutoutOptions {
  modelId?: string;
  format?: OutputFormat;
  maxPixels?: number;
}

export interface CutResult {
  /** The encoded cutout. */
  file: Blob;
  /** The matte at the photo's own size (transferred, not copied). */
  alpha: Uint8Array;
  width: number;
  height: number;
  modelId: string;
  timings: StageTimings;
  engine: EngineInfo;
}

let engine: Promise<{ ort: OrtModule; info: EngineInfo }> | undefined;
const sessions = new Map<string, Promise<InferenceSession>>();
const running = new Map<number, AbortController>();

async function hasWebGPUAdapter(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  try {
    return (await gpu.requestAdapter()) ? undefined : 'no WebGPU adapter';
  } catch (err) {
    return `WebGPU adapter request failed: ${err}`;
  }
}

function startEngine(prefer?: Backend): Promise<{ ort: OrtModule; info: EngineInfo }> {
  engine ??= (async () => {
    const webgpuUnavailable = prefer === 'wasm' ? 'WASM was asked for' : await hasWebGPUAdapter();
    const choice = chooseBackend({
      webgpu: !webgpuUnavailable,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
    });
    const ort: OrtModule = choice.backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
    configureOrt(ort, choice);
    return { ort, info: { ...choice, crossOriginIsolated: self.crossOriginIsolated, webgpuUnavailable } };
  })();
  return engine;
}

function session(modelId: string, onProgress?: (p: DownloadProgress) => void): Promise<InferenceSession> {
  let s = sessions.get(modelId);
  if (!s) {
    s = (async () => {
      const { ort, info } = await startEngine();
      const bytes = await fetchModel(modelInfo(modelId), onProgress);
      return createSession(ort, bytes, info.backend);
    })();
    sessions.set(modelId, s);
    // A failed load must not stick: the next call tries again (for example once back online).
    s.catch(() => sessions.delete(modelId));
  }
  return s;
}

const api = {
  /** Picks the backend (once per worker) and says what it is. */
  async init(prefer?: Backend): Promise<EngineInfo> {
    return (await startEngine(prefer)).info;
  },

  /** Downloads (or reads from Cache Storage) and opens a model, reporting bytes. */
  async loadModel(modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    const id = modelInfo(modelId).id;
    await session(id, onProgress);
    return (await startEngine()).info;
  },

  /** Cuts one photo out. Stage names are reported as they start; `cancel(jobId)` stops it. */
  async cut(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const controller = new AbortController();
    running.set(jobId, controller);
    const hooks = { signal: controller.signal, onStage };
    try {
      const model = modelInfo(request.modelId);
      const { ort, info } = await startEngine();
      const s = await session(model.id);
      const timings: StageTimings = {};
      const image = await timed('decode', timings, hooks, () => decodeInBrowser(file, request.maxPixels ?? DEFAULT_MAX_PIXELS));
      const result = await cutPixels(image, model, (input) => runModel(ort, s, input, model), request, hooks);
      Object.assign(timings, result.timings);
      const out = await timed('encode', timings, hooks, () => encodeInBrowser(result.cutout, request.format ?? 'png'));
      if (controller.signal.aborted) throw abortError();
      const value: CutResult = {
        file: out,
        alpha: result.alpha.data,
        width: image.width,
        height: image.height,
        modelId: model.id,
        timings,
        engine: info,
      };
      return Comlink.transfer(value, [value.alpha.buffer]);
    } finally {
      running.delete(jobId);
    }
  },

  /**
   * Exports a cutout: decodes the photo again, applies the (touched-up) matte, resizes,
   * puts the background behind and encodes. The matte's buffer should be transferred.
   */
  exportCutout(file: Blob, alpha: Uint8Array, width: number, height: number, request: ExportRequest): Promise<Blob> {
    return exportInBrowser(file, { width, height, data: alpha }, request);
  },

  /** Stops a running job at its next stage boundary. */
  cancel(jobId: number): void {
    running.get(jobId)?.abort();
  },
};

export type EngineApi = typeof api;

Comlink.expose(api);
