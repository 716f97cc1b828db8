/**
 * Writes a derived model to any path, for measuring candidates before they go into the
 * manifest (`npm run eval -- --onnx OUT`):
 *
 *   tsx scripts/derive-model.ts SOURCE.onnx OUT.onnx [--outputs output[,name...]] [--input-size N]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deriveModel, type Derivation } from './lib/onnx/derive.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { outputs: { type: 'string' }, 'input-size': { type: 'string' } },
});
if (positionals.length !== 2) {
  console.error('usage: tsx scripts/derive-model.ts SOURCE.onnx OUT.onnx [--outputs output[,name...]] [--input-size N]');
  process.exit(2);
}
const derive: Derivation = {
  ...(values.outputs ? { outputs: values.outputs.split(',') } : {}),
  ...(values['input-size'] ? { inputSize: Number(values['input-size']) } : {}),
};
const bytes = deriveModel(readFileSync(positionals[0]), derive);
writeFileSync(positionals[1], bytes);
console.log(`${positionals[1]}: ${bytes.byteLength} bytes, ${JSON.stringify(derive)}`);
