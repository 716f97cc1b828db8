/**
 * Calibration for the static int8 model: runs the float32 ISNet on the project's own freely
 * licensed photos (tests/fixtures, public domain / CC0, see its README) with every tensor a
 * quantized Conv reads or writes exposed as an output, histograms |x| per tensor, and writes
 * each tensor's range by every method of quantize-calibration.ts to models/calibration.json.
 *
 *   npm run calibrate [-- --out FILE] [--group N]
 *
 * The dev set (../shared/testdata) is never used here: it is what the result is judged on.
 * The tensors are exposed a group at a time, because all of them at once would not fit in
 * the 4 GB of a WASM heap. Slow (minutes); run it under the CPU lock.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { isImageFileName } from '../common/image-files.ts';
import { createSession } from '../web/src/cutout/infer.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { decodeNode } from './lib/node-codec.ts';
import { nodeBackend } from './lib/node-engine.ts';
import { fixturesDir, modelsDir } from './lib/paths.ts';
import { decodeModel, encodeModel } from './lib/onnx/model-proto.ts';
import { addValues, calibrationJson, emptyHistogram, exposeTensors, HISTOGRAM_BINS, METHODS, rangesOf, type AbsHistogram } from './lib/onnx/quantize-calibration.ts';
import { dequantizeFloat16, tensorsToCalibrate } from './lib/onnx/quantize.ts';

const SOURCE = 'isnet-fp16';

async function main(): Promise<void> {
  const args = parseArgs({ options: { out: { type: 'string', default: join(modelsDir, 'calibration.json') }, group: { type: 'string', default: '70' } } }).values;
  const source = modelInfo(SOURCE);
  const bytes = readFileSync(join(modelsDir, source.file));
  const float = dequantizeFloat16(decodeModel(bytes));
  const tensors = tensorsToCalibrate(float);
  const photos = readdirSync(fixturesDir).filter(isImageFileName).sort();
  const inputs = [];
  for (const f of photos) inputs.push(preprocess(await decodeNode(readFileSync(join(fixturesDir, f))), source));
  console.error(`calibrating ${tensors.length} tensors on ${photos.length} photos (${photos.join(', ')}), backend ${JSON.stringify(nodeBackend)}`);

  const hist = new Map<string, AbsHistogram>(tensors.map((t) => [t, emptyHistogram()]));
  const group = Number(args.group);
  for (let g = 0; g < tensors.length; g += group) {
    const names = tensors.slice(g, g + group);
    const session = await createSession(ort, encodeModel(exposeTensors(float, names)), 'wasm');
    for (const [i, input] of inputs.entries()) {
      const started = performance.now();
      const results = await session.run({ [source.inputName]: new ort.Tensor('float32', input.tensor, [1, 3, input.size, input.size]) }, names);
      for (const name of names) {
        addValues(hist.get(name)!, results[name].data as Float32Array);
        results[name].dispose();
      }
      console.error(`tensors ${g + 1}-${g + names.length}/${tensors.length}, photo ${i + 1}/${inputs.length}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    await session.release();
  }

  const out = {
    about: 'Activation ranges for static int8 ISNet, written by `npm run calibrate`; per tensor and method: [min, max, SQNR in dB of uint8 quantization on the calibration photos].',
    model: source.file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    inputSize: source.inputSize,
    photos,
    bins: HISTOGRAM_BINS,
    methods: Object.keys(METHODS),
    tensors: Object.fromEntries(
      tensors.map((t) => [t, Object.fromEntries(Object.entries(rangesOf(hist.get(t)!)).map(([m, r]) => [m, [r.min, r.max, r.sqnrDb]]))]),
    ),
  };
  writeFileSync(args.out, calibrationJson(out));
  console.error(`wrote ${args.out}`);
}

await main();
