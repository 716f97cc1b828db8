/**
 * The `clearcut` command: plan the inputs, cut each photo out with the Node engine (the
 * same stages as the browser worker), spend a credit for each charged full-size result,
 * write the results, and report. Returns the exit code: 0 all done, 1 any failed, 2 usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TRANSPARENT } from '../../web/src/cutout/compose.ts';
import { DEFAULT_MAX_PIXELS } from '../../web/src/cutout/decode.ts';
import { isAbortError } from '../../web/src/cutout/errors.ts';
import { exportSizeFor, renderExport, type ExportLayout } from '../../web/src/cutout/export.ts';
import { downloadBytes, modelInfo, modelsOf, type ModelInfo } from '../../web/src/cutout/model.ts';
import { cutPixels, type InferFn } from '../../web/src/cutout/pipeline.ts';
import { exportDimensions, type ExportDimensions } from '../../common/export-size.ts';
import { DEFAULT_QUALITY, takesQuality, type OutputFormat } from '../../common/output-format.ts';
import { decodeNode, encodeNode } from '../lib/node-codec.ts';
import { modelsDir, rootDir } from '../lib/paths.ts';
import { helpText, parseCli, UsageError, type CliOptions } from './args.ts';
import { exportIdempotencyKey, spendCredit } from './credits.ts';
import { displayPath, planInputs, type PlannedFile } from './inputs.ts';
import { serialized, type QueuedInfer } from './model-queue.ts';
import { createReporter, formatDuration, type Reporter } from './progress.ts';

/** Where the command reads and writes; the real process by default. */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  signal?: AbortSignal;
}

/** A failure of one photo whose message is already meant for the user. */
class FileError extends Error {
  override name = 'FileError';
}

/** The message fit for a `failed` line: the engine's own words, or the system's for files. */
export function failureReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file is gone (it was there when the run started)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${err.message})`;
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return err.message;
}

type Outcome =
  | { kind: 'ok'; line: string }
  | { kind: 'skipped'; line: string }
  | { kind: 'failed'; line: string };

/** The version in package.json. */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The layout's part of an idempotency key: empty for the photo's own frame (so the keys of
 * plain exports are what they always were), else crop, padding, preset and shadow.
 */
export function layoutTag(layout: ExportLayout): string {
  const { crop, padding, preset } = layout.frame;
  if (!crop && preset === 'original' && !layout.shadow) return '';
  const shape = typeof preset === 'object' ? `${preset.width}x${preset.height}` : preset;
  return ` layout:${crop ? 'crop' : 'nocrop'}/${padding}/${shape}/${layout.shadow ? 'shadow' : 'flat'}`;
}

/**
 * The encoder quality's part of an idempotency key: empty for PNG and for the format's default
 * (so those keys are what they always were), else the quality: like another format, another
 * quality is another file, as the app counts it.
 */
export function qualityTag(format: OutputFormat, quality: number): string {
  return takesQuality(format) && quality !== DEFAULT_QUALITY[format] ? ` q${quality}` : '';
}

/** Writes through a temporary file, so an interrupted run never leaves half a result. */
async function writeResult(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.partial`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new FileError(`could not write ${path}: ${failureReason(err)}`);
  }
}

interface RunContext {
  options: CliOptions;
  model: ModelInfo;
  infer: QueuedInfer;
  cwd: string;
  signal?: AbortSignal;
}

/** Cuts out one photo and writes its result; every expected problem becomes a `failed` outcome. */
async function cutOne(file: PlannedFile, ctx: RunContext): Promise<Outcome> {
  const { options, model } = ctx;
  const shownOut = displayPath(file.output, ctx.cwd);
  if (file.problem) return { kind: 'failed', line: `failed ${file.label}: ${file.problem}` };
  if (!options.force && existsSync(file.output)) {
    return { kind: 'skipped', line: `skipped ${file.label}: ${shownOut} exists (--force overwrites it)` };
  }
  const started = performance.now();
  // The time a photo spends waiting for another's inference is not its own: left out.
  let waited = 0;
  const infer: InferFn = (input, m) => ctx.infer(input, m, (ms) => (waited += ms));
  try {
    const bytes = new Uint8Array(await readFile(file.path));
    const photo = await decodeNode(bytes, DEFAULT_MAX_PIXELS);
    let paid = '';
    /** Spends the credit an export of this size costs (nothing when it is free). */
    const pay = async (size: ExportDimensions) => {
      if (size.free) return;
      if (!options.apiKey) throw new FileError('full size needs an API key: set CLEARCUT_API_KEY; standard size is free');
      const idempotencyKey = exportIdempotencyKey(
        bytes,
        { modelId: model.id, format: options.format + qualityTag(options.format, options.quality), background: options.backgroundName + layoutTag(options.layout), width: size.width, height: size.height },
        options.apiKey,
      );
      const spent = await spendCredit(options.server, options.apiKey, { idempotencyKey, width: size.width, height: size.height }, { signal: ctx.signal });
      paid = spent.replayed ? ', paid before' : `, ${spent.charged} credit${spent.charged === 1 ? '' : 's'}, balance ${spent.balance}`;
    };
    // The photo's own frame: spent before the model runs, so a refusal costs no inference,
    // and should writing fail later, the rerun's spend has the same idempotency key and is
    // not charged. A crop's size comes from the matte: spent after the model then.
    const framed = options.layout.frame.crop || options.layout.frame.preset !== 'original';
    if (!framed) await pay(exportDimensions(photo.width, photo.height, options.size));
    const { alpha } = await cutPixels(photo, model, infer, { background: TRANSPARENT }, { signal: ctx.signal });
    if (framed) await pay(exportSizeFor(alpha, options.size, options.layout));
    const pixels = renderExport(photo, alpha, options.size, options.background, options.format, options.layout);
    const encoded = await encodeNode(pixels, options.format, options.quality);
    await writeResult(file.output, encoded);
    const took = formatDuration(performance.now() - started - waited);
    return { kind: 'ok', line: `ok ${file.label} -> ${shownOut} (${pixels.width}x${pixels.height}, ${took}${paid})` };
  } catch (err) {
    if (isAbortError(err)) throw err;
    return { kind: 'failed', line: `failed ${file.label}: ${failureReason(err)}` };
  }
}

/** Runs the command with `argv` (the arguments after the script) and returns its exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`clearcut: ${err.message}\nTry 'clearcut --help' for the options.\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(helpText(cliVersion()));
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(`clearcut ${cliVersion()}\n`);
    return 0;
  }
  const { options, notices } = parsed;
  const model = modelInfo(options.modelId);
  if (!existsSync(join(modelsDir, model.file))) {
    io.stderr.write(`clearcut: the model file models/${model.file} is missing: run 'npm run prepare-models' first\n`);
    return 1;
  }

  const plan = planInputs(options.inputs, { cwd: io.cwd, outDir: options.out, format: options.format, size: options.size });
  const total = plan.files.length;
  const reporter: Reporter = createReporter(total, io.stdout, io.stderr);
  for (const notice of notices) reporter.notice(notice);
  if (plan.earlierResults > 0) {
    reporter.notice(`left out ${plan.earlierResults} file${plan.earlierResults === 1 ? '' : 's'} named *-cutout.* (earlier results); name a file to cut it out anyway`);
  }
  const counts = { ok: 0, skipped: 0, failed: plan.problems.length };
  for (const problem of plan.problems) reporter.line(`failed ${problem.label}: ${problem.problem}`);

  // Loaded here, not at the top: --help and usage errors should not start onnxruntime.
  const { inferNode, nodeSession, closeNodeSessions } = await import('../lib/node-engine.ts');
  const started = performance.now();
  // Opening the model takes seconds with nothing else to show: say so, unless nothing needs it.
  if (plan.files.some((f) => !f.problem && (options.force || !existsSync(f.output)))) {
    reporter.notice(`loading the ${model.label.toLowerCase()} model (${Math.round(downloadBytes(model) / 1e6)} MB)…`);
    const loading = performance.now();
    for (const m of modelsOf(model)) {
      try {
        await nodeSession(m);
      } catch (err) {
        reporter.end();
        io.stderr.write(`clearcut: could not load models/${m.file}: ${failureReason(err)} (npm run prepare-models rebuilds it)\n`);
        return 1;
      }
    }
    reporter.notice(`model ready in ${formatDuration(performance.now() - loading)}`);
  }
  const ctx: RunContext = { options, model, infer: serialized((input, m) => inferNode(m, input)), cwd: io.cwd, signal: io.signal };
  let next = 0;
  let interrupted = false;
  const worker = async () => {
    while (next < total && !io.signal?.aborted) {
      const file = plan.files[next++];
      reporter.start(file.label);
      try {
        const outcome = await cutOne(file, ctx);
        counts[outcome.kind]++;
        reporter.line(outcome.line);
      } catch (err) {
        if (!isAbortError(err)) throw err;
        interrupted = true;
      }
      reporter.advance();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, total)) }, worker));
  } finally {
    reporter.end();
    await closeNodeSessions();
  }
  interrupted ||= Boolean(io.signal?.aborted);

  const parts = [`${counts.ok} cut out`];
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  parts.push(`${counts.failed} failed`);
  const notDone = total - counts.ok - counts.skipped - (counts.failed - plan.problems.length);
  if (interrupted && notDone > 0) parts.push(`${notDone} not done (interrupted)`);
  io.stdout.write(`${parts.join(', ')} in ${formatDuration(performance.now() - started)}\n`);
  if (interrupted) return 130;
  return counts.failed > 0 ? 1 : 0;
}
