/**
 * Writes a derived model to any path, for measuring candidates before they go into the
 * manifest (`npm run eval -- --onnx OUT`):
 *
 *   tsx scripts/derive-model.ts SOURCE.onnx OUT.onnx [--outputs output[,name...]] [--input-size N] [--quantize JSON]
 *
 * `--quantize` takes a manifest quantize step, e.g. the default's with the first Conv in int8:
 * '{"calibration":"calibration.json","method":"p99.99","keepFloat":["/side1/Conv"],"activations":"uint8","glue":{"pools":true,"adds":true,"resizes":true}}'
 * (its calibration file is read from models/).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveModel, type Derivation } from './lib/onnx/derive.ts';
import type { Calibration } from './lib/onnx/quantize-isnet.ts';
import { modelsDir } from './lib/paths.ts';

const usage = 'usage: tsx scripts/derive-model.ts SOURCE.onnx OUT.onnx [--outputs output[,name...]] [--input-size N] [--quantize JSON]';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { outputs: { type: 'string' }, 'input-size': { type: 'string' }, quantize: { type: 'string' } },
});
if (positionals.length !== 2) {
  console.error(usage);
  process.exit(2);
}
const derive: Derivation = {
  ...(values.outputs ? { outputs: values.outputs.split(',') } : {}),
  ...(values.quantize ? { quantize: JSON.parse(values.quantize) as Derivation['quantize'] } : {}),
  ...(values['input-size'] ? { inputSize: Number(values['input-size']) } : {}),
};
const readCalibration = (file: string) => JSON.parse(readFileSync(join(modelsDir, file), 'utf8')) as Calibration;
const bytes = deriveModel(readFileSync(positionals[0]), derive, readCalibration);
writeFileSync(positionals[1], bytes);
console.log(`${positionals[1]}: ${bytes.byteLength} bytes, ${JSON.stringify(derive)}`);
