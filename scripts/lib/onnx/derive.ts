/**
 * The rewrites a manifest entry can ask for (`"derive"`), applied in a fixed order to the
 * package's model: prune outputs, then set the input size. Pure bytes in, bytes out, so
 * the same package gives the same file (and sha256) on every machine. A later step (e.g.
 * `"quantize"`) slots in here.
 */
import { decodeModel, encodeModel } from './model-proto.ts';
import { setInputSize } from './input-size.ts';
import { pruneOutputs } from './prune.ts';

export interface Derivation {
  /** Graph outputs to keep; every other output and what only it needed is dropped. */
  outputs?: string[];
  /** Side of the square network input to rewrite the graph to. */
  inputSize?: number;
}

export function deriveModel(source: Uint8Array, derive: Derivation): Uint8Array {
  const model = decodeModel(source);
  if (derive.outputs) pruneOutputs(model, derive.outputs);
  if (derive.inputSize !== undefined) setInputSize(model, derive.inputSize);
  return encodeModel(model);
}
