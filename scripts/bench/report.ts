/** The bench's report: per-stage medians, time ratios to the baseline, memory, first photo; as tables and as one JSON object. */
import { availableParallelism, cpus } from 'node:os';
import { basename } from 'node:path';
import { median } from '../lib/median.ts';
import { table } from '../lib/table.ts';
import type { FirstPhotoRun, FirstPhotoSample } from './first-photo.ts';
import { firstPhotoBudget, firstPhotoSteady, STEADY_SOURCE } from './first-photo-goal.ts';
import type { Options } from './options.ts';
import type { LargePhoto } from './photos.ts';
import { COLUMNS, fmtMs, medians, type Column, type ModelRun, type PhotoSet, type Sample } from './samples.ts';

const fmtMiB = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toString());
/** CPU seconds for a table, two decimals; '-' for none. */
const fmtCpu = (s: number) => (Number.isFinite(s) ? s.toFixed(2) : '-');
/** The median of a CPU figure over the samples that have it (NaN when none has: Node, or not Linux). */
const cpuMedian = (samples: Sample[], pick: (s: Sample) => number | undefined) => median(samples.map(pick).filter((v): v is number => v !== undefined));

/** Everything one bench run measured, and where. */
export interface BenchRun {
  opts: Options;
  photos: string[];
  /** Made only when the large photo is timed (not with --no-large). */
  large?: LargePhoto;
  sets: PhotoSet[];
  runs: ModelRun[];
  firstPhoto: FirstPhotoRun[];
  started: Date;
  load: { start: number[]; end: number[] };
  /** The commit measured, `abc1234` or `abc1234+dirty`; undefined outside a git checkout. */
  git?: string;
}

/** The run's tables as text, and every figure as one JSON object. */
export function report({ opts, photos, large, sets: allSets, runs, firstPhoto, started, load, git }: BenchRun): { text: string; json: object } {
  // Only the sets this run timed one photo at a time (--no-photos, --no-large leave rows of nothing out).
  const sets = allSets.filter((set) => opts.timed.includes(set.name));
  const envLabel = (r: { env: string; variant?: string }) => (r.variant ? `${r.env} (${r.variant})` : r.env);
  const results = runs.flatMap((r) =>
    sets.map((set) => ({
      env: envLabel(r),
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
  const memory = (large ? runs : []).map((r) => ({
    env: envLabel(r),
    model: r.model,
    photo: `${large!.width}x${large!.height}`,
    mib: r.memory,
    peakOverIdle: r.memory.peak !== undefined && r.memory.idle !== undefined ? Math.round((r.memory.peak - r.memory.idle) * 10) / 10 : undefined,
    peakOverBefore: r.memory.peak !== undefined && r.memory.before !== undefined ? Math.round((r.memory.peak - r.memory.before) * 10) / 10 : undefined,
  }));

  const browserVersion = [...runs, ...firstPhoto].find((r) => r.browserVersion)?.browserVersion;
  const setLabel = (name: PhotoSet['name']) => (name === 'photos' ? `photos (${photos.length})` : `large ${large?.megapixels} MP`);
  const out: string[] = [];
  out.push(
    `clearcut bench, ${started.toISOString()}: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), load average ${load.start.join(' ')} at the start, ${load.end.join(' ')} at the end.`,
    `Medians in ms over n samples (one photo = one sample, ${opts.runs} pass${opts.runs === 1 ? '' : 'es'}); total = the median of each photo's sum of stages.`,
    ...(large ? [`Large photo: ${large.width}x${large.height} JPEG upscaled from ${large.source}, made for this run.`] : []),
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
  const pageClock = runs
    .filter((r) => r.env === 'chromium')
    .flatMap((r) =>
      sets.map((set) => {
        const samples = r.samples[set.name].filter((x) => x.wall !== undefined);
        const med = (pick: (x: (typeof samples)[number]) => number) => (samples.length ? Math.round(median(samples.map(pick))) : NaN);
        return {
          env: envLabel(r),
          model: r.model,
          set: set.name,
          samples: samples.length,
          wallMs: med((x) => x.wall!),
          inferMs: med((x) => x.infer),
          otherStagesMs: med((x) => x.total - x.infer),
          betweenStagesMs: med((x) => x.wall! - x.total),
          outsideShare: samples.length ? Math.round(median(samples.map((x) => (x.wall! - x.infer) / x.wall!)) * 1000) / 1000 : NaN,
          cpuSeconds: cpuMedian(r.samples[set.name], (x) => x.cpu),
          cpuOutsideSeconds: cpuMedian(r.samples[set.name], (x) => x.cpuOutside),
        };
      }),
    );
  if (pageClock.length) {
    out.push(
      '',
      `Chromium, where a photo's time goes (medians, ms): wall = the page's clock from choosing the file to its card done; infer = the network;`,
      `other stages = decode, preprocess, refine, zoom (the subject zoom's second pass, inference included), matting (the edge band), compose, encode in the worker; between = wall − the worker's stages (queue, transfers to and from the worker, the page's work);`,
      `outside = the median share of each photo's wall time not spent in inference;`,
      `CPU s = seconds of CPU the whole browser burnt over the same span (every process, from /proc: holds when the machine is shared, unlike wall time),`,
      `of which "not in workers" = the page's own thread, compositing, the GPU and browser processes (rendering while the network runs shows here).`,
    );
    out.push(
      table(
        ['env', 'model', 'photos', 'n', 'wall', 'infer', 'other stages', 'between', 'outside', 'CPU s', 'not in workers'],
        pageClock.map((r) => [r.env, r.model, setLabel(r.set), String(r.samples), fmtMs(r.wallMs), fmtMs(r.inferMs), fmtMs(r.otherStagesMs), fmtMs(r.betweenStagesMs), `${(r.outsideShare * 100).toFixed(1)}%`, fmtCpu(r.cpuSeconds), fmtCpu(r.cpuOutsideSeconds)]),
        3,
      ),
    );
  }
  // The medians above can hide one photo far over the rest (a wide edge band, a large file): each photo's own.
  const perPhoto = sets.some((set) => set.name === 'photos')
    ? runs
        .filter((r) => r.env === 'chromium')
        .flatMap((r) => {
          const byFile = new Map<string, Sample[]>();
          for (const x of r.samples.photos) if (x.wall !== undefined && x.file) byFile.set(x.file, [...(byFile.get(x.file) ?? []), x]);
          return [...byFile].map(([file, xs]) => {
            const med = (pick: (x: Sample) => number) => Math.round(median(xs.map(pick)));
            return {
              env: envLabel(r),
              model: r.model,
              file,
              samples: xs.length,
              wallMs: med((x) => x.wall!),
              inferMs: med((x) => x.infer),
              refineMs: med((x) => x.refine),
              mattingMs: med((x) => x.matting),
              composeMs: med((x) => x.compose),
              outsideShare: Math.round(median(xs.map((x) => (x.wall! - x.infer) / x.wall!)) * 1000) / 1000,
            };
          });
        })
    : [];
  if (perPhoto.length) {
    out.push('', `Chromium, each photo (medians over its passes, ms): outside = the share of its wall time not spent in inference.`);
    out.push(
      table(
        ['env', 'model', 'photo', 'n', 'wall', 'infer', 'refine', 'matting', 'compose', 'outside'],
        perPhoto.map((r) => [r.env, r.model, r.file, String(r.samples), fmtMs(r.wallMs), fmtMs(r.inferMs), fmtMs(r.refineMs), fmtMs(r.mattingMs), fmtMs(r.composeMs), `${(r.outsideShare * 100).toFixed(1)}%`]),
        3,
      ),
    );
  }
  const batches = runs.filter((r) => r.batch).map((r) => ({ env: envLabel(r), model: r.model, backend: r.backend, threads: r.threads, ...r.batch! }));
  if (batches.length) {
    out.push('', `Chromium batch: every photo of the folder chosen at once; ms from choosing them to the first and the last card done; steady = (last − first) / (n − 1) per photo; CPU s = the browser's CPU over the batch / n.`);
    out.push(table(['env', 'model', 'n', 'first', 'last', 'steady per photo', 'CPU s per photo', 'backend'], batches.map((b) => [b.env, b.model, String(b.photos), fmtMs(b.firstDone), fmtMs(b.lastDone), fmtMs(b.perPhoto), fmtCpu(b.cpuPerPhoto ?? NaN), `${b.backend} x${b.threads}`]), 2));
  }
  const oldVsNew = runs
    .filter((r) => r.env === 'chromium' && !r.variant)
    .flatMap((r) => {
      const old = runs.find((o) => o.env === 'chromium' && o.variant === 'old' && o.model === r.model);
      if (!old) return [];
      const rows = sets.map((set) => {
        const wall = (run: ModelRun) => median(run.samples[set.name].map((x) => x.wall ?? NaN).filter(Number.isFinite));
        const infer = (run: ModelRun) => median(run.samples[set.name].map((x) => x.infer));
        const cpu = (run: ModelRun) => cpuMedian(run.samples[set.name], (x) => x.cpu);
        return { model: r.model, what: `${setLabel(set.name)}, one at a time`, old: wall(old), new: wall(r), oldInfer: infer(old), newInfer: infer(r), oldCpu: cpu(old), newCpu: cpu(r) };
      });
      if (r.batch && old.batch) rows.push({ model: r.model, what: 'batch, steady per photo', old: old.batch.perPhoto, new: r.batch.perPhoto, oldInfer: NaN, newInfer: NaN, oldCpu: old.batch.cpuPerPhoto ?? NaN, newCpu: r.batch.cpuPerPhoto ?? NaN });
      const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      return rows.map((x) => ({ ...x, ratio: ratio(x.new, x.old), inferRatio: ratio(x.newInfer, x.oldInfer), cpuRatio: ratio(x.newCpu, x.oldCpu) }));
    });
  if (oldVsNew.length) {
    out.push('', `Old (--old-dist) and new side by side, same run, Chromium, page clock (ms, medians); CPU = the browser's CPU seconds per photo (medians):`);
    const fmtRatio = (r: number) => (Number.isFinite(r) ? r.toFixed(3) : '-');
    out.push(
      table(
        ['model', 'what', 'old', 'new', 'new/old', 'infer new/old', 'CPU s old', 'CPU s new', 'CPU new/old'],
        oldVsNew.map((x) => [x.model, x.what, fmtMs(x.old), fmtMs(x.new), x.ratio.toFixed(3), fmtRatio(x.inferRatio), fmtCpu(x.oldCpu), fmtCpu(x.newCpu), fmtRatio(x.cpuRatio)]),
        2,
      ),
    );
  }
  if (memory.length) {
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
  }
  for (const m of memory) if (m.mib.note) out.push(`note (${m.env} ${m.model}): ${m.mib.note}`);
  const first = firstPhoto.map((r) => {
    const med = (pick: (s: FirstPhotoSample) => number | undefined) => median(r.samples.map(pick).filter((v): v is number => v !== undefined));
    // The service worker's precache fetches the plain .wasm a second time (its size unknown here): one entry per file.
    const sizes = new Map<string, number>();
    for (const w of r.samples.flatMap((s) => s.wasm)) sizes.set(w.file, Math.max(sizes.get(w.file) ?? 0, w.bytes || 0));
    const files = [...sizes].map(([file, bytes]) => `${file} (${(bytes / 1e6).toFixed(1)} MB)`);
    // The goal of issue 18: no more than the download plus twice the steady time per photo (first-photo-goal.ts).
    const steady = firstPhotoSteady(runs, r, r.samples);
    const goal = firstPhotoBudget(med((s) => s.total), med((s) => s.fetch), steady);
    return {
      build: r.variant ? `${r.build} (${r.variant})` : r.build,
      model: r.model,
      steadyMs: Math.round(steady.ms),
      steadySource: steady.source,
      budgetMs: Math.round(goal.budget),
      withinGoal: goal.within,
      goal: goal.text,
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
      `import = onnxruntime-web's JS; fetch = the model's download; session = opening it (includes compiling the .wasm); photo = the photo's stages (infer alone too);`,
      `steady = the same build's steady time per photo: this run's batch pass, else its photo pass (median page clock), else the loads' own (the photo cut twice more in each page; always so for the default bundle).`,
    );
    out.push(
      table(
        ['onnxruntime build', 'n', 'total', 'import', 'fetch', 'session', 'photo', 'infer', 'steady (from)', 'fetch + 2 steady', 'total / that', '.wasm fetched'],
        first.map((f) => [
          f.build.startsWith('wasm') ? f.build.replace('wasm', 'wasm (the app)') : 'default bundle',
          String(f.loads) + (f.failed ? ` (${f.failed} failed)` : ''),
          ...(['total', 'ort', 'fetch', 'session', 'stages', 'infer'] as const).map((k) => fmtMs(f.medianMs[k])),
          f.steadySource ? `${fmtMs(f.steadyMs)} (${STEADY_SOURCE[f.steadySource]})` : '-',
          fmtMs(f.budgetMs),
          Number.isFinite(f.budgetMs) ? (f.medianMs.total / f.budgetMs).toFixed(2) : '-',
          f.wasm.join(', '),
        ]),
        1,
      ),
    );
    for (const f of first) out.push(`${f.build} build, medians: ${f.goal}`);
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
    large: large ? { source: large.source, width: large.width, height: large.height, megapixels: large.megapixels } : null,
    results,
    ratios,
    memory,
    pageClock,
    perPhoto,
    batches,
    oldVsNew,
    firstPhoto: first,
  };
  return { text: out.join('\n'), json };
}
