/**
 * The rewrites a manifest entry can ask for (`"derive"`), applied in a fixed order to the
 * package's model: prune outputs, quantize (static int8 with committed calibration
 * ranges), then set the input size. Pure: bytes and the calibration in, bytes out, so the
 * same package gives the same file (and sha256) on every machine.
 */
import type { ModelDerivation } from '../../../web/src/cutout/model.ts';
import { decodeModel, encodeModel } from './model-proto.ts';
import { setInputSize } from './input-size.ts';
import { pruneOutputs } from './prune.ts';
import { quantizeIsnet, type Calibration } from './quantize-isnet.ts';

/** outputs: graph outputs to keep (the rest, and what only they need, is dropped); inputSize: side of the square input. */
export type Derivation = ModelDerivation;

/** `readCalibration(file)`: the calibration a quantize step names (a file in models/). */
export function deriveModel(source: Uint8Array, derive: Derivation, readCalibration?: (file: string) => Calibration): Uint8Array {
  let model = decodeModel(source);
  if (derive.outputs) pruneOutputs(model, derive.outputs);
  if (derive.quantize) {
    if (!readCalibration) throw new Error('a quantize step needs its calibration file');
    // The ranges were measured at the calibration's input size; a later size rewrite reuses them.
    model = quantizeIsnet(model, readCalibration(derive.quantize.calibration), derive.quantize);
  }
  if (derive.inputSize !== undefined) setInputSize(model, derive.inputSize);
  return encodeModel(model);
}
