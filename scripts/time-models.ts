/**
 * Node inference time of several models on one photo, interleaved (A B C A B C ...) so
 * a change in machine load hits every model alike, for the time column of
 * docs/model-frontier.md. The Chromium figures come from `npm run bench`.
 *
 *   flock /tmp/clearcut-cpu.lock npx tsx scripts/time-models.ts [--photo FILE] [--runs N] MODEL_ID|FILE.onnx...
 *
 * Prints one line per model: median wall milliseconds of `runs` inferences after one
 * warm-up, and the ratio to the first model; then one JSON object.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { modelInfo, type ModelInfo } from '../web/src/cutout/model.ts';
import { preprocess } from '../web/src/cutout/preprocess.ts';
import { decodeNode } from './lib/node-codec.ts';
import { closeNodeSessions, inferNode } from './lib/node-engine.ts';
import { median } from './lib/median.ts';
import { modelInfoFromFile } from './lib/onnx/model-file.ts';
import { fixturesDir } from './lib/paths.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { photo: { type: 'string', default: join(fixturesDir, 'coffee.jpg') }, runs: { type: 'string', default: '3' } },
});
const runs = Number(values.runs);
if (positionals.length === 0 || !(runs >= 1)) {
  console.error('usage: tsx scripts/time-models.ts [--photo FILE] [--runs N] MODEL_ID|FILE.onnx...');
  process.exit(2);
}
const models: ModelInfo[] = positionals.map((m) => (existsSync(m) ? modelInfoFromFile(m, modelInfo()) : modelInfo(m)));
const image = await decodeNode(readFileSync(values.photo));
const inputs = models.map((m) => preprocess(image, m));
const times: number[][] = models.map(() => []);
for (let round = 0; round <= runs; round++) {
  for (const [i, model] of models.entries()) {
    const started = performance.now();
    await inferNode(model, inputs[i]);
    const ms = performance.now() - started;
    // Round 0 opens the session and lets V8 tier the WASM up; it is not counted.
    if (round > 0) times[i].push(ms);
    console.error(`round ${round} ${model.id}: ${ms.toFixed(0)} ms`);
  }
}
await closeNodeSessions();
const medians = times.map(median);
for (const [i, model] of models.entries()) {
  console.log(`${model.id.padEnd(24)} ${String(model.inputSize).padStart(5)}  ${medians[i].toFixed(0).padStart(7)} ms  ${(medians[i] / medians[0]).toFixed(2)}x`);
}
console.log(JSON.stringify({ photo: values.photo, runs, results: models.map((m, i) => ({ model: m.id, inputSize: m.inputSize, ms: times[i].map(Math.round), medianMs: Math.round(medians[i]), ratio: Math.round((medians[i] / medians[0]) * 1000) / 1000 })) }));
