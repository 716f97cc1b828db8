/**
 * Builds models/<id>.onnx for every model in models/manifest.json from the chunks that
 * the npm package @imgly/background-removal-data ships, applies the entry's graph
 * rewrites when it has `"derive"` (scripts/lib/onnx/derive.ts: output pruning, input
 * size; deterministic, so the sha256 holds on every machine), and checks each file's
 * size and sha256. Idempotent: a file that is already right is left alone; a wrong or truncated
 * one is reported and rebuilt. Runs on `npm install`, `npm start` and `npm test`.
 *
 *   tsx scripts/prepare-models.ts [--check]   (--check: verify only, build nothing)
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { manifest, type ModelInfo } from '../web/src/cutout/model.ts';
import { deriveModel } from './lib/onnx/derive.ts';
import type { Calibration } from './lib/onnx/quantize-isnet.ts';
import { modelsDir } from './lib/paths.ts';

interface PackageResource {
  chunks: { hash: string; offsets: [number, number] }[];
  size: number;
}

/** sha256 of a file, streamed (the models are too large to hash comfortably in one buffer). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Why the file on disk is not the model the manifest describes, or null when it is. */
export async function verifyModelFile(path: string, model: ModelInfo): Promise<string | null> {
  if (!existsSync(path)) return 'missing';
  const size = statSync(path).size;
  if (size !== model.bytes) return `${size} bytes instead of ${model.bytes} (truncated or wrong file)`;
  const sum = await sha256File(path);
  if (sum !== model.sha256) return `sha256 ${sum.slice(0, 12)}… instead of ${model.sha256.slice(0, 12)}…`;
  return null;
}

function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${name}/package.json`));
}

/** The package's chunks for one model, sorted by offset. */
function packageChunks(model: ModelInfo): string[] {
  const dir = packageDir(model.source.package);
  const resources = JSON.parse(readFileSync(join(dir, 'dist', 'resources.json'), 'utf8')) as Record<string, PackageResource>;
  const resource = resources[model.source.key];
  if (!resource) throw new Error(`${model.source.package} has no resource ${model.source.key}`);
  return [...resource.chunks].sort((a, b) => a.offsets[0] - b.offsets[0]).map((c) => join(dir, 'dist', c.hash));
}

/** Builds one model into `target`, atomically: the chunks as they are, or rewritten. */
async function buildModel(model: ModelInfo, target: string): Promise<void> {
  const chunks = packageChunks(model);
  const tmp = join(modelsDir, `.tmp-${model.id}-${process.pid}`);
  try {
    if (model.derive) {
      // The rewrites need the whole graph in memory anyway (under 100 MB).
      const source = Buffer.concat(chunks.map((c) => readFileSync(c)));
      writeFileSync(tmp, deriveModel(source, model.derive, (file) => JSON.parse(readFileSync(join(modelsDir, file), 'utf8')) as Calibration));
    } else {
      const out = await open(tmp, 'w');
      try {
        // Chunks are 4 MiB each: reading one at a time keeps memory flat.
        for (const chunk of chunks) await out.write(readFileSync(chunk));
      } finally {
        await out.close();
      }
    }
    const problem = await verifyModelFile(tmp, model);
    if (problem) throw new Error(`built ${model.file} does not match models/manifest.json: ${problem}`);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function main(): Promise<void> {
  const checkOnly = process.argv.includes('--check');
  let failed = false;
  for (const model of manifest.models) {
    const target = join(modelsDir, model.file);
    const problem = await verifyModelFile(target, model);
    if (!problem) {
      console.log(`models/${model.file}: up to date`);
      continue;
    }
    if (checkOnly) {
      console.error(`models/${model.file}: ${problem}`);
      failed = true;
      continue;
    }
    if (problem !== 'missing') console.warn(`models/${model.file} is wrong (${problem}); rebuilding it`);
    const started = Date.now();
    await buildModel(model, target);
    const how = model.derive ? ` with ${JSON.stringify(model.derive)}` : '';
    console.log(`models/${model.file}: built from ${model.source.package} ${model.source.key}${how} in ${Date.now() - started} ms`);
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((err: unknown) => {
    console.error(`prepare-models: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
