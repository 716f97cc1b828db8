/**
 * Infer stage: one onnxruntime-web session per model, on WebGPU when the browser offers
 * an adapter, otherwise on WebAssembly (SIMD, threaded when the page is cross-origin
 * isolated). The ort module is passed in, so the worker can load the WebGPU build only
 * when it is used and Node can use its own build.
 */
import type * as Ort from 'onnxruntime-web';
import { BackendUnavailableError, ModelLoadError } from './errors.ts';
import type { ModelInfo } from './model.ts';
import type { ModelInput } from './preprocess.ts';

export type OrtModule = typeof Ort;
export type Backend = 'webgpu' | 'wasm';

/** Which backend ran, and with how many WASM threads. */
export interface BackendInfo {
  backend: Backend;
  threads: number;
}

/** What the environment offers, as the worker or Node finds it. */
export interface Capabilities {
  webgpu: boolean;
  crossOriginIsolated: boolean;
  /** Whether SharedArrayBuffer exists: WebKit hides it by default even on an isolated page. */
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number;
  /** The thread count measured on this device (threads.ts), when there is one. */
  measuredThreads?: number;
}

/**
 * WebGPU when there is an adapter; otherwise WASM, threaded only where threads can exist
 * (cross-origin isolated, with SharedArrayBuffer): the measured count, else a thread per
 * reported core (up to 8).
 */
export function chooseBackend(caps: Capabilities): BackendInfo {
  const canThread = caps.crossOriginIsolated && caps.sharedArrayBuffer;
  const wanted = caps.measuredThreads ?? caps.hardwareConcurrency;
  const threads = canThread ? Math.max(1, Math.min(8, Math.floor(wanted) || 1)) : 1;
  const backend: Backend = caps.webgpu ? 'webgpu' : 'wasm';
  return { backend, threads };
}

/**
 * How many threads onnxruntime-web really runs: it falls back to one, quietly, where it
 * cannot thread, and says so only in `env.wasm.numThreads` once a session is open.
 */
export function threadsInUse(ort: OrtModule): number {
  return Math.max(1, Number(ort.env.wasm.numThreads) || 1);
}

/** Sets the process-wide WASM options; call before the first session. */
export function configureOrt(ort: OrtModule, info: BackendInfo, wasmPaths?: string): void {
  ort.env.wasm.numThreads = info.threads;
  ort.env.wasm.simd = true;
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.logLevel = 'error';
}

/** Opens a session for the model's bytes on the chosen backend. */
export async function createSession(ort: OrtModule, bytes: Uint8Array, backend: Backend): Promise<Ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (/backend/i.test(why)) throw new BackendUnavailableError(`The ${backend} backend is unavailable: ${why}`);
    throw new ModelLoadError(`The model could not be opened: ${why}`);
  }
}

/**
 * Runs the network and returns its S×S foreground probability map. Only `output` is
 * fetched: the graph's 11 other outputs would cost ~110 MiB per photo.
 */
export async function runModel(
  ort: OrtModule,
  session: Ort.InferenceSession,
  input: ModelInput,
  model: Pick<ModelInfo, 'inputName' | 'outputName'>,
): Promise<Float32Array> {
  const feed = new ort.Tensor('float32', input.tensor, [1, 3, input.size, input.size]);
  const results = await session.run({ [model.inputName]: feed }, [model.outputName]);
  const output = results[model.outputName];
  try {
    const data = (output.location === 'cpu' ? output.data : await output.getData()) as Float32Array;
    const map = new Float32Array(input.size * input.size);
    for (let i = 0; i < map.length; i++) {
      const v = data[i];
      map[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    return map;
  } finally {
    output.dispose();
    feed.dispose();
  }
}
