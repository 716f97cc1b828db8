/**
 * Which Convs suffer from int8: runs the float32 ISNet and its static int8 rewrite (every
 * Conv quantized except those named by --keep) side by side on calibration photos, reads
 * every tensor a quantized Conv writes from both, and prints for each Conv the
 * signal-to-error ratio (dB) of its result against float, and how much it fell from the
 * Conv's input (the layer's own share of the error). The worst are the ones to keep float.
 *
 *   flock /tmp/clearcut-cpu.lock npx tsx scripts/quantize-sensitivity.ts [--method p99.999] [--photos N] [--keep a,b] [--json FILE]
 *
 * Photos: tests/fixtures only (the dev set judges the result and is never used to choose it).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { isImageFileName } from '../common/image-files.ts';
import { createSession } from '../web/src/cutout/infer.ts';
import { modelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { decodeNode } from './lib/node-codec.ts';
import './lib/node-engine.ts';
import { fixturesDir, modelsDir } from './lib/paths.ts';
import { encodeModel, loadModel, type ModelProto } from './lib/onnx/model-proto.ts';
import { exposeTensors, type Method } from './lib/onnx/quantize-calibration.ts';
import { calibratedRanges, type Calibration } from './lib/onnx/quantize-isnet.ts';
import { convNodes, convResult, dequantizeFloat16, quantizeStatic } from './lib/onnx/quantize.ts';

const args = parseArgs({
  options: {
    method: { type: 'string', default: 'p99.999' },
    photos: { type: 'string', default: '2' },
    keep: { type: 'string', default: '/conv_in/Conv' },
    group: { type: 'string', default: '40' },
    json: { type: 'string' },
  },
}).values;

const source = modelInfo('isnet-fp16');
const calibration = JSON.parse(readFileSync(join(modelsDir, 'calibration.json'), 'utf8')) as Calibration;
const float = dequantizeFloat16(loadModel(join(modelsDir, source.file)));
const keep = args.keep.split(',').filter(Boolean);
const quant = quantizeStatic(float, { ranges: calibratedRanges(calibration, args.method as Method), keepFloat: keep });
const graph = float.graph!;
const convs = convNodes(float).filter((c) => !keep.includes(c.name!));
const results = convs.map((c) => convResult(graph, c));
const inputsOf = convs.map((c) => c.input![0]);
const tensors = [...new Set([...results, ...inputsOf])].filter((t) => t !== source.inputName);

const photos = readdirSync(fixturesDir).filter(isImageFileName).sort().slice(0, Number(args.photos));
const signal = new Map<string, number>();
const noise = new Map<string, number>();
const group = Number(args.group);
for (const photo of photos) {
  const input = preprocess(await decodeNode(readFileSync(join(fixturesDir, photo))), source);
  const feed = { [source.inputName]: new ort.Tensor('float32', input.tensor, [1, 3, input.size, input.size]) };
  for (let g = 0; g < tensors.length; g += group) {
    const names = tensors.slice(g, g + group);
    const run = async (model: ModelProto) => {
      const session = await createSession(ort, encodeModel(exposeTensors(model, names)), 'wasm');
      const out = await session.run(feed, names);
      await session.release();
      return out;
    };
    const a = await run(float);
    const b = await run(quant);
    for (const t of names) {
      const x = a[t].data as Float32Array;
      const y = b[t].data as Float32Array;
      let s = 0;
      let e = 0;
      for (let i = 0; i < x.length; i++) {
        s += x[i] * x[i];
        e += (x[i] - y[i]) ** 2;
      }
      signal.set(t, (signal.get(t) ?? 0) + s);
      noise.set(t, (noise.get(t) ?? 0) + e);
    }
    console.error(`${photo}: tensors ${g + 1}-${g + names.length}/${tensors.length}`);
  }
}
const db = (t: string) => (t === source.inputName ? Infinity : 10 * Math.log10(signal.get(t)! / Math.max(noise.get(t)!, 1e-30)));
const rows = convs.map((c, i) => ({ conv: c.name!, sqnrDb: db(results[i]), ownDropDb: db(inputsOf[i]) === Infinity ? 0 : db(inputsOf[i]) - db(results[i]) }));
const r1 = (x: number) => Math.round(x * 10) / 10;
for (const r of rows) console.log(`${r.conv.padEnd(40)} SQNR ${r1(r.sqnrDb).toFixed(1).padStart(6)} dB   drop from input ${r1(r.ownDropDb).toFixed(1).padStart(5)} dB`);
if (args.json) writeFileSync(args.json, JSON.stringify({ method: args.method, photos, keep, rows: rows.map((r) => ({ ...r, sqnrDb: r1(r.sqnrDb), ownDropDb: r1(r.ownDropDb) })) }, null, 1));
