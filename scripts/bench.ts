/**
 * `npm run bench`: per-stage median times of the cutout engine for each model, in Node
 * (scripts/lib/node-engine.ts) and in real Chromium (the built PWA's worker through the
 * real page, WASM, threaded), on a folder of photos and on one large photo made at run time
 * by upscaling one of them; peak memory on the large photo; each model's time as a ratio
 * of the baseline model's; and the first photo in fresh browsers with each onnxruntime-web
 * build. Prints tables on stdout, progress on stderr, and as its last stdout line one JSON
 * object with every figure.
 *
 *   npm run bench                                   every model, Node and Chromium
 *   npm run bench -- --model isnet-quint8-640 --no-browser --runs 1
 *   npm run bench -- --dir ~/photos --runs 3 --large-mp 12
 *
 * The parts live in scripts/bench/: options, photos, the Node runner (a child process per
 * model), the Chromium runner (a fresh browser per model), the first-photo experiment and
 * the report. This file runs them in order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootDir } from './lib/paths.ts';
import { startServer } from './lib/server-process.ts';
import { runChromiumModel } from './bench/chromium-runner.ts';
import { runFirstPhoto, type FirstPhotoRun } from './bench/first-photo.ts';
import { runNodeModel } from './bench/node-runner.ts';
import { parseOptions, USAGE } from './bench/options.ts';
import { listPhotos, makeLargePhoto } from './bench/photos.ts';
import { buildPwa } from './bench/pwa-build.ts';
import { report } from './bench/report.ts';
import { log, type ModelRun, type PhotoSet } from './bench/samples.ts';

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: rootDir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** The commit measured, marked +dirty when tracked files differ from it. */
function gitRevision(): string | undefined {
  const head = git(['rev-parse', '--short', 'HEAD']);
  return head ? `${head}${git(['status', '--porcelain', '--untracked-files=no']) ? '+dirty' : ''}` : undefined;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (opts === 'help') {
    console.log(USAGE);
    return;
  }
  const photos = listPhotos(opts.dir).slice(0, opts.maxPhotos);
  const tmp = mkdtempSync(join(tmpdir(), 'clearcut-bench-'));
  const started = new Date();
  const load = { start: loadavg().map((l) => Math.round(l * 100) / 100), end: [] as number[] };
  const runs: ModelRun[] = [];
  const firstPhoto: FirstPhotoRun[] = [];
  try {
    // Upscaling to 24 MP takes seconds and hundreds of MB: only when the large photo is timed.
    const large = opts.timed.includes('large') ? await makeLargePhoto(photos, opts.largeMp, tmp) : undefined;
    log(`${photos.length} photos in ${opts.dir}${large ? `; large photo ${large.width}x${large.height} (${large.megapixels} MP) upscaled from ${large.source}` : ''}`);
    const sets: PhotoSet[] = [
      { name: 'photos', label: `photos`, files: photos },
      ...(large ? [{ name: 'large' as const, label: `large ${large.megapixels} MP`, files: [large.file] }] : []),
    ];

    if (opts.node) {
      for (const model of opts.models) {
        log(`node ${model}: starting a fresh process`);
        runs.push(await runNodeModel({ model, runs: opts.runs, sets, timed: opts.timed }));
      }
    }

    if (opts.browser) {
      let dist = opts.dist;
      if (!dist) {
        dist = join(tmp, 'dist');
        buildPwa(dist);
      } else if (!existsSync(join(dist, 'index.html'))) {
        throw new Error(`${dist} has no index.html`);
      }
      const server = await startServer({ DIST_DIR: dist });
      const oldServer = opts.oldDist ? await startServer({ DIST_DIR: opts.oldDist, ...(opts.oldModels ? { MODELS_DIR: opts.oldModels } : {}) }) : undefined;
      try {
        for (const model of opts.models) {
          // Old and new one after the other for each model, so a change in the machine's load hits both alike.
          if (oldServer) {
            log(`chromium (old) ${model}: starting a fresh browser on ${oldServer.url}`);
            runs.push(await runChromiumModel(oldServer.url, model, opts.runs, sets, { variant: 'old', batch: opts.batch, timed: opts.timed }));
          }
          log(`chromium ${model}: starting a fresh browser on ${server.url}`);
          runs.push(await runChromiumModel(server.url, model, opts.runs, sets, { batch: opts.batch, timed: opts.timed }));
        }
        if (opts.firstPhoto) {
          if (oldServer) firstPhoto.push(await runFirstPhoto(oldServer.url, 'wasm', photos[0], opts.firstPhoto, { variant: 'old', runs }));
          firstPhoto.push(await runFirstPhoto(server.url, 'wasm', photos[0], opts.firstPhoto, { runs }));
        }
      } finally {
        await server.stop();
        await oldServer?.stop();
      }
      if (opts.firstPhoto && opts.defaultBundle) {
        let distDefault = opts.distDefault;
        if (!distDefault) {
          distDefault = join(tmp, 'dist-default');
          buildPwa(distDefault, { VITE_ORT_BUILD: 'default' });
        }
        const other = await startServer({ DIST_DIR: distDefault });
        try {
          firstPhoto.push(await runFirstPhoto(other.url, 'default', photos[0], opts.firstPhoto, { runs }));
        } finally {
          await other.stop();
        }
      }
    }
    load.end = loadavg().map((l) => Math.round(l * 100) / 100);
    const { text, json } = report({ opts, photos, large, sets, runs, firstPhoto, started, load, git: gitRevision() });
    console.log(text);
    console.log(JSON.stringify(json));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
