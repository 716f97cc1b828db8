/**
 * The cutout engine in Node: the same stages as the browser worker, with onnxruntime-web's
 * Node build (WASM, threaded) and sharp for decode/encode. Used by the tests, the
 * benchmark, the evaluation and the CLI. One session per model, kept open.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-web';
import { chooseBackend, configureOrt, createSession, runModel, type BackendInfo } from '../../web/src/cutout/infer.ts';
import { modelInfo, type ModelInfo } from '../../web/src/cutout/model.ts';
import type { ModelInput } from '../../web/src/cutout/preprocess.ts';
import { cutPixels, timed, type CutoutOptions, type Hooks, type MatteResult } from '../../web/src/cutout/pipeline.ts';
import { DEFAULT_MAX_PIXELS } from '../../web/src/cutout/decode.ts';
import { decodeNode } from './node-codec.ts';
import { modelsDir } from './paths.ts';

/** The backend Node runs: WASM with a thread per core (onnxruntime-web caps it itself). */
export const nodeBackend: BackendInfo = chooseBackend({ webgpu: false, crossOriginIsolated: true, sharedArrayBuffer: true, hardwareConcurrency: availableParallelism() });
configureOrt(ort, nodeBackend);

const sessions = new Map<string, Promise<InferenceSession>>();

/** The open session for a model, created on first use from models/<file> (or an absolute file, for eval --onnx). */
export function nodeSession(model: ModelInfo): Promise<InferenceSession> {
  let session = sessions.get(model.id);
  if (!session) {
    session = createSession(ort, readFileSync(resolve(modelsDir, model.file)), 'wasm');
    sessions.set(model.id, session);
  }
  return session;
}

/** Runs a model on a preprocessed input: the S×S map. */
export async function inferNode(model: ModelInfo, input: ModelInput): Promise<Float32Array> {
  return runModel(ort, await nodeSession(model), input, model);
}

export interface NodeCutout extends MatteResult {
  model: ModelInfo;
}

/** Decodes bytes and cuts the photo out with `modelId` (default: the manifest's default). */
export async function cutFileNode(
  bytes: Uint8Array,
  options: CutoutOptions & { modelId?: string; maxPixels?: number } = {},
  hooks: Hooks = {},
): Promise<NodeCutout> {
  const model = modelInfo(options.modelId);
  const decodeTimings = {};
  const image = await timed('decode', decodeTimings, hooks, () => decodeNode(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS));
  const result = await cutPixels(image, model, (input, m) => inferNode(m, input), options, hooks);
  return { ...result, timings: { ...decodeTimings, ...result.timings }, model };
}

/** Releases every open session (for a clean exit). */
export async function closeNodeSessions(): Promise<void> {
  for (const s of sessions.values()) await (await s).release();
  sessions.clear();
}
