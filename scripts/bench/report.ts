/** The bench's report: per-stage medians, time ratios to the baseline, memory, first photo; as tables and as one JSON object. */
import { availableParallelism, cpus } from 'node:os';
import { basename } from 'node:path';
import { median } from '../lib/median.ts';
import { table } from '../lib/table.ts';
import type { FirstPhotoRun, FirstPhotoSample } from './first-photo.ts';
import type { Options } from './options.ts';
import type { LargePhoto } from './photos.ts';
import { COLUMNS, fmtMs, medians, type Column, type ModelRun, type PhotoSet } from './samples.ts';

const fmtMiB = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toString());

/** Everything one bench run measured, and where. */
export interface BenchRun {
  opts: Options;
  photos: string[];
  large: LargePhoto;
  sets: PhotoSet[];
  runs: ModelRun[];
  firstPhoto: FirstPhotoRun[];
  started: Date;
  load: { start: number[]; end: number[] };
  /** The commit measured, `abc1234` or `abc1234+dirty`; undefined outside a git checkout. */
  git?: string;
}

/** The run's tables as text, and every figure as one JSON object. */
export function report({ opts, photos, large, sets, runs, firstPhoto, started, load, git }: BenchRun): { text: string; json: object } {
  const results = runs.flatMap((r) =>
    sets.map((set) => ({
      env: r.env,
      model: r.model,
      set: set.name,
      backend: r.backend,
      threads: r.threads,
      samples: r.samples[set.name].length,
      failed: r.failures.filter((f) => set.files.some((file) => basename(file) === f.file)).length,
      medianMs: medians(r.samples[set.name]),
    })),
  );
  const ratios = results
    .filter((row) => row.model !== opts.baseline)
    .flatMap((row) => {
      const base = results.find((b) => b.env === row.env && b.set === row.set && b.model === opts.baseline);
      if (!base) return [];
      const ratio = (c: Column) => Math.round((row.medianMs[c] / base.medianMs[c]) * 1000) / 1000;
      return [{ env: row.env, set: row.set, model: row.model, baseline: opts.baseline, total: ratio('total'), infer: ratio('infer') }];
    });
  const memory = runs.map((r) => ({
    env: r.env,
    model: r.model,
    photo: `${large.width}x${large.height}`,
    mib: r.memory,
    peakOverIdle: r.memory.peak !== undefined && r.memory.idle !== undefined ? Math.round((r.memory.peak - r.memory.idle) * 10) / 10 : undefined,
    peakOverBefore: r.memory.peak !== undefined && r.memory.before !== undefined ? Math.round((r.memory.peak - r.memory.before) * 10) / 10 : undefined,
  }));

  const browserVersion = [...runs, ...firstPhoto].find((r) => r.browserVersion)?.browserVersion;
  const setLabel = (name: PhotoSet['name']) => (name === 'photos' ? `photos (${photos.length})` : `large ${large.megapixels} MP`);
  const out: string[] = [];
  out.push(
    `clearcut bench, ${started.toISOString()}: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), load average ${load.start.join(' ')} at the start, ${load.end.join(' ')} at the end.`,
    `Medians in ms over n samples (one photo = one sample, ${opts.runs} pass${opts.runs === 1 ? '' : 'es'}); total = the median of each photo's sum of stages.`,
    `Large photo: ${large.width}x${large.height} JPEG upscaled from ${large.source}, made for this run.`,
    '',
  );
  out.push(
    table(
      ['env', 'model', 'photos', 'n', ...COLUMNS, 'backend'],
      results.map((r) => [
        r.env,
        r.model,
        setLabel(r.set),
        String(r.samples) + (r.failed ? ` (${r.failed} failed)` : ''),
        ...COLUMNS.map((c) => fmtMs(r.medianMs[c])),
        `${r.backend} x${r.threads}`,
      ]),
      3,
    ),
  );
  if (ratios.length) {
    out.push('', `Time as a ratio of ${opts.baseline}'s (median / median, same run):`);
    out.push(table(['env', 'photos', 'model', 'total', 'infer'], ratios.map((r) => [r.env, setLabel(r.set), r.model, r.total.toFixed(2), r.infer.toFixed(2)]), 3));
  }
  out.push(
    '',
    `Memory on the large photo, MiB (Node: the process's RSS; Chromium: the RSS summed over its renderer processes, which hold the page and its worker).`,
    `idle = before the model opens; before = model open, just before the photo; peak = sampled every 100 ms; hwm = the kernel's exact peak (VmHWM);`,
    `worker = measureUserAgentSpecificMemory() for the worker after the photo (its WASM memory never shrinks, so about its peak).`,
  );
  out.push(
    table(
      ['env', 'model', 'idle', 'before', 'peak', 'hwm', 'peak-idle', 'peak-before', 'worker', 'node external/arrayBuffers'],
      memory.map((m) => [
        m.env,
        m.model,
        fmtMiB(m.mib.idle),
        fmtMiB(m.mib.before),
        fmtMiB(m.mib.peak),
        fmtMiB(m.mib.hwm),
        fmtMiB(m.peakOverIdle),
        fmtMiB(m.peakOverBefore),
        fmtMiB(m.mib.workerNow),
        m.env === 'node' ? `${fmtMiB(m.mib.external)}/${fmtMiB(m.mib.arrayBuffers)}` : '',
      ]),
      2,
    ),
  );
  for (const m of memory) if (m.mib.note) out.push(`note (${m.env} ${m.model}): ${m.mib.note}`);
  const first = firstPhoto.map((r) => {
    const med = (pick: (s: FirstPhotoSample) => number | undefined) => median(r.samples.map(pick).filter((v): v is number => v !== undefined));
    // The service worker's precache fetches the plain .wasm a second time (its size unknown here): one entry per file.
    const sizes = new Map<string, number>();
    for (const w of r.samples.flatMap((s) => s.wasm)) sizes.set(w.file, Math.max(sizes.get(w.file) ?? 0, w.bytes || 0));
    const files = [...sizes].map(([file, bytes]) => `${file} (${(bytes / 1e6).toFixed(1)} MB)`);
    return {
      build: r.build,
      model: r.model,
      photo: r.photo,
      loads: r.samples.length,
      failed: r.failures.length,
      medianMs: { total: med((s) => s.total), ort: med((s) => s.ort), fetch: med((s) => s.fetch), session: med((s) => s.session), infer: med((s) => s.infer), stages: med((s) => s.stages) },
      wasm: files,
      wrongWasm: r.wrongWasm,
    };
  });
  if (first.length) {
    out.push(
      '',
      `First photo: fresh browser (empty cache) -> app -> ${first[0].photo} chosen at once -> cutout shown, model ${first[0].model}, medians in ms over n loads.`,
      `import = onnxruntime-web's JS; fetch = the model's download; session = opening it (includes compiling the .wasm); photo = the photo's stages (infer alone too).`,
    );
    out.push(
      table(
        ['onnxruntime build', 'n', 'total', 'import', 'fetch', 'session', 'photo', 'infer', '.wasm fetched'],
        first.map((f) => [
          f.build === 'wasm' ? 'wasm (the app)' : 'default bundle',
          String(f.loads) + (f.failed ? ` (${f.failed} failed)` : ''),
          ...(['total', 'ort', 'fetch', 'session', 'stages', 'infer'] as const).map((k) => fmtMs(f.medianMs[k])),
          f.wasm.join(', '),
        ]),
        1,
      ),
    );
    for (const f of first) if (f.wrongWasm) out.push(`WRONG .wasm (${f.build} build): ${f.wrongWasm}`);
  }
  for (const r of runs) for (const f of r.failures) out.push(`failed (${r.env} ${r.model}): ${f.file}: ${f.error}`);
  const json = {
    bench: 'clearcut',
    date: started.toISOString(),
    git,
    machine: { cpus: cpus().length, availableParallelism: availableParallelism(), cpu: cpus()[0]?.model.trim(), loadavg: load, node: process.version, chromium: browserVersion },
    runs: opts.runs,
    photos: { dir: opts.dir, count: photos.length, files: photos.map((p) => basename(p)) },
    large: { source: large.source, width: large.width, height: large.height, megapixels: large.megapixels },
    results,
    ratios,
    memory,
    firstPhoto: first,
  };
  return { text: out.join('\n'), json };
}
