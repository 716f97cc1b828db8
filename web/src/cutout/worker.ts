/**
 * The one cutout worker. It owns onnxruntime-web and the chosen model's session, and
 * exposes a typed API with comlink. The WebGPU build of onnxruntime-web is loaded only when
 * the browser offers an adapter; otherwise the smaller WASM-only build.
 *
 * Loading marks are left as User Timing measures (`clearcut:ort`, `clearcut:fetch <id>`,
 * `clearcut:session <id>`) in the worker's own performance timeline, for `npm run bench`.
 *
 * Debug switch, for the bench only: a build made with `VITE_ORT_BUILD=default` imports
 * the package's default entry (`onnxruntime-web`, whose JSEP .wasm is ~28 MB) instead,
 * to time what an app that imports it plainly pays for its first photo. Normal builds
 * fold the test away and never contain that entry.
 */
import * as Comlink from 'comlink';
import type { InferenceSession } from 'onnxruntime-web';
import { decodeInBrowser, DEFAULT_MAX_PIXELS } from './decode.ts';
import type { OutputFormat } from '../../../common/output-format.ts';
import { encodeInBrowser } from './encode.ts';
import { abortError } from './errors.ts';
import { exportInBrowser, type ExportRequest } from './export.ts';
import { chooseBackend, configureOrt, createSession, runModel, type Backend, type BackendInfo, type OrtModule } from './infer.ts';
import { fetchModel, modelInfo, type DownloadProgress } from './model.ts';
import { hasFloat16Weights, hasInt8Weights } from './model-precision.ts';
import { cutPixels, timed, type CutoutOptions, type Stage, type StageTimings } from './pipeline.ts';
import type { ModelInput } from './preprocess.ts';

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

/** A model's open session, and the backend it really runs on. */
interface Opened {
  session: InferenceSession;
  backend: Backend;
  /** Why this model is not on WebGPU although the engine is. */
  webgpuUnavailable?: string;
}

let engine: Promise<{ ort: OrtModule; info: EngineInfo }> | undefined;
const sessions = new Map<string, Promise<Opened>>();
/** Models WebGPU failed to run in this worker, and why: they open on WASM from then on. */
const webgpuFailed = new Map<string, string>();
/** The cuts in progress: their cancel switch, and a promise settled when each leaves the worker. */
const running = new Map<number, { controller: AbortController; done: Promise<void> }>();

/** Whether the WebGPU adapter has `shader-f16`, once the engine has looked. */
let shaderF16 = false;

async function hasWebGPUAdapter(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string> } | null> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter';
    shaderF16 = adapter.features.has('shader-f16');
    return undefined;
  } catch (err) {
    return `WebGPU adapter request failed: ${err}`;
  }
}

/** Why WebGPU cannot run these model bytes here, or undefined when it can. */
function webgpuRefuses(modelId: string, bytes: Uint8Array): string | undefined {
  if (webgpuFailed.has(modelId)) return webgpuFailed.get(modelId);
  try {
    if (hasInt8Weights(bytes)) return "this model is static int8, which onnxruntime-web's WASM backend runs with int8 kernels and its WebGPU backend does not";
    if (shaderF16) return undefined;
    return hasFloat16Weights(bytes) ? 'this model computes in float16 and the WebGPU adapter has no shader-f16' : undefined;
  } catch (err) {
    return shaderF16 ? undefined : `its precision could not be read (${err}), and the WebGPU adapter has no shader-f16`;
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
    const started = performance.now();
    const ort: OrtModule =
      import.meta.env.VITE_ORT_BUILD === 'default'
        ? await import('onnxruntime-web')
        : choice.backend === 'webgpu'
          ? await import('onnxruntime-web/webgpu')
          : await import('onnxruntime-web/wasm');
    performance.measure('clearcut:ort', { start: started });
    configureOrt(ort, choice);
    return { ort, info: { ...choice, crossOriginIsolated: self.crossOriginIsolated, webgpuUnavailable } };
  })();
  return engine;
}

/** Resolves once no cut is running. */
async function idle(): Promise<void> {
  while (running.size) await Promise.allSettled([...running.values()].map((job) => job.done));
}

/**
 * Closes every session but `keep`'s once the cuts running now are done. A session holds
 * its weights and arena in the WASM heap, which never shrinks: keeping the last model's
 * as well would add its size to the worker's peak for good, while switching back only
 * costs opening it again from Cache Storage.
 */
function releaseOthers(keep: string): void {
  for (const [id, s] of sessions) {
    if (id === keep) continue;
    sessions.delete(id);
    void idle()
      .then(() => s)
      .then((old) => old.session.release())
      .catch(() => {});
  }
}

/**
 * WebGPU failed to run the model (a failure onnxruntime reports; the float16 case it does
 * not report is caught before, by webgpuRefuses). Reopens it on WASM, which every
 * onnxruntime-web build has, for good.
 */
function reopenOnWasm(modelId: string, failed: Opened, err: unknown): Promise<Opened> {
  webgpuFailed.set(modelId, `WebGPU could not run this model: ${err instanceof Error ? err.message : String(err)}`);
  void failed.session.release().catch(() => {});
  if (sessions.get(modelId)) sessions.delete(modelId);
  return session(modelId);
}

function session(modelId: string, onProgress?: (p: DownloadProgress) => void): Promise<Opened> {
  let s = sessions.get(modelId);
  if (!s) {
    releaseOthers(modelId);
    s = (async () => {
      const { ort, info } = await startEngine();
      let started = performance.now();
      const bytes = await fetchModel(modelInfo(modelId), onProgress);
      performance.measure(`clearcut:fetch ${modelId}`, { start: started });
      started = performance.now();
      const failed = info.backend === 'webgpu' ? webgpuRefuses(modelId, bytes) : undefined;
      const backend: Backend = info.backend === 'webgpu' && !failed ? 'webgpu' : 'wasm';
      const opened = await createSession(ort, bytes, backend);
      performance.measure(`clearcut:session ${modelId}`, { start: started });
      return { session: opened, backend, webgpuUnavailable: failed };
    })();
    sessions.set(modelId, s);
    // A failed load must not stick: the next call tries again (for example once back online).
    s.catch(() => {
      if (sessions.get(modelId) === s) sessions.delete(modelId);
    });
  }
  return s;
}

/** What the engine runs this model on. */
function engineInfo(info: EngineInfo, opened: Opened): EngineInfo {
  return { ...info, backend: opened.backend, webgpuUnavailable: opened.webgpuUnavailable ?? info.webgpuUnavailable };
}

const api = {
  /** Picks the backend (once per worker) and says what it is. */
  async init(prefer?: Backend): Promise<EngineInfo> {
    return (await startEngine(prefer)).info;
  },

  /** Downloads (or reads from Cache Storage) and opens a model, reporting bytes. */
  async loadModel(modelId?: string, onProgress?: (p: DownloadProgress) => void): Promise<EngineInfo> {
    const id = modelInfo(modelId).id;
    const opened = await session(id, onProgress);
    return engineInfo((await startEngine()).info, opened);
  },

  /** Cuts one photo out. Stage names are reported as they start; `cancel(jobId)` stops it. */
  async cut(jobId: number, file: Blob, request: CutRequest = {}, onStage?: (stage: Stage) => void): Promise<CutResult> {
    const controller = new AbortController();
    let finished!: () => void;
    running.set(jobId, { controller, done: new Promise<void>((r) => (finished = r)) });
    const hooks = { signal: controller.signal, onStage };
    try {
      const model = modelInfo(request.modelId);
      const { ort, info } = await startEngine();
      let opened = await session(model.id);
      const infer = async (input: ModelInput) => {
        try {
          return await runModel(ort, opened.session, input, model);
        } catch (err) {
          if (opened.backend !== 'webgpu' || controller.signal.aborted) throw err;
          opened = await reopenOnWasm(model.id, opened, err);
          return runModel(ort, opened.session, input, model);
        }
      };
      const timings: StageTimings = {};
      const image = await timed('decode', timings, hooks, () => decodeInBrowser(file, request.maxPixels ?? DEFAULT_MAX_PIXELS));
      // The decoded photo is needed for nothing else: the cutout is composed into its buffer.
      const result = await cutPixels(image, model, infer, request, hooks, true);
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
        engine: engineInfo(info, opened),
      };
      return Comlink.transfer(value, [value.alpha.buffer]);
    } finally {
      running.delete(jobId);
      finished();
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
    running.get(jobId)?.controller.abort();
  },
};

export type EngineApi = typeof api;

Comlink.expose(api);
