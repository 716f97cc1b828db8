/**
 * The rewrites a manifest entry can ask for (`"derive"`), applied in a fixed order to the
 * package's model: prune outputs, then set the input size. Pure bytes in, bytes out, so
 * the same package gives the same file (and sha256) on every machine. A later step (e.g.
 * `"quantize"`) slots in here.
 */
import type { ModelDerivation } from '../../../web/src/cutout/model.ts';
import { decodeModel, encodeModel } from './model-proto.ts';
import { setInputSize } from './input-size.ts';
import { pruneOutputs } from './prune.ts';

/** outputs: graph outputs to keep (the rest, and what only they need, is dropped); inputSize: side of the square input. */
export type Derivation = ModelDerivation;

export function deriveModel(source: Uint8Array, derive: Derivation): Uint8Array {
  const model = decodeModel(source);
  if (derive.outputs) pruneOutputs(model, derive.outputs);
  if (derive.inputSize !== undefined) setInputSize(model, derive.inputSize);
  return encodeModel(model);
}
