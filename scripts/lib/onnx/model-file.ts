/**
 * A ModelInfo for an ONNX file that is not in the manifest (a candidate being measured):
 * its input size and names are read from the graph, its normalisation is borrowed from a
 * manifest model of the same network, and its id and sha256 make eval's cache key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ModelInfo } from '../../../web/src/cutout/model.ts';
import { decodeModel, graphInputSize, graphOf } from './model-proto.ts';

export function modelInfoFromFile(path: string, like: ModelInfo): ModelInfo {
  const file = resolve(path);
  const bytes = readFileSync(file);
  const model = decodeModel(bytes);
  const graph = graphOf(model);
  const inputName = graph.input?.[0]?.name;
  if (!inputName) throw new Error(`${path} has no graph input`);
  const inputSize = graphInputSize(model, inputName);
  if (inputSize === null) throw new Error(`${path}: input ${inputName} is not a fixed square NCHW shape`);
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  const outputName = outputs.includes(like.outputName) ? like.outputName : outputs[0];
  if (!outputName) throw new Error(`${path} has no graph output`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    ...like,
    id: basename(file).replace(/\.onnx$/i, ''),
    label: basename(file),
    // Absolute: node-engine resolves model files against models/, which leaves an absolute path as it is.
    file,
    bytes: bytes.byteLength,
    sha256,
    inputSize,
    inputName,
    outputName,
    description: `candidate file ${file}`,
  };
}
