/**
 * Two builds of the PWA side by side in Chromium, photo by photo (A B, then B A, ...), each
 * in its own fresh browser kept open for the whole run: for every photo the CPU seconds the
 * browser burnt from choosing the file to the card done (every process of that browser, from
 * /proc), by thread name, and the page's wall clock. CPU per photo holds when other work
 * shares the machine; wall time does not.
 *
 *   npx tsx scripts/bench/cpu-ab.ts --a /work/wt/old/dist --b dist --model isnet-int8-896 --rounds 3 --max-photos 4
 *   (--a-models DIR, --b-models DIR: the models a build is served with, when not models/)
 *
 * Prints progress on stderr and a table of medians on stdout, then one JSON line.
 */
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from '../lib/chromium.ts';
import { launchMeasured } from '../lib/measured-chromium.ts';
import { median } from '../lib/median.ts';
import { chromiumSnapshot, cpuSpent, type CpuSpent } from '../lib/proc-cpu.ts';
import { sharedTestdata } from '../lib/paths.ts';
import { startServer, type RunningServer } from '../lib/server-process.ts';
import { cutOnPage, installPageClock } from './chromium-runner.ts';
import { listPhotos } from './photos.ts';
import { log, sleep } from './samples.ts';

interface Side {
  label: string;
  server: RunningServer;
  chromium: LaunchedBrowser;
  /** The browser's main process: every process of this browser descends from it. */
  root: number;
  page: Page;
}

interface PhotoCpu {
  side: string;
  photo: string;
  wall?: number;
  infer?: number;
  cpu: CpuSpent;
  /** CPU the other (idle) browser burnt meanwhile. */
  otherCpu: number;
}


async function open(label: string, dist: string, model: string, models?: string): Promise<Side> {
  const server = await startServer({ DIST_DIR: dist, ...(models ? { MODELS_DIR: models } : {}) });
  const chromium = await launchMeasured();
  const root = chromium.root;
  if (root === undefined) {
    await chromium.close();
    await server.stop();
    throw new Error(`${label}: the browser's main process was not found`);
  }
  const page = await (await chromium.browser.newContext()).newPage();
  page.on('pageerror', (err) => log(`${label}: page error: ${err.message}`));
  await page.goto(`${server.url}/?model=${encodeURIComponent(model)}`);
  const engine = page.locator('section[aria-label="Engine"]');
  for (let waited = 0; !(await engine.getAttribute('data-backend')); waited += 100) {
    if (waited > 120_000) throw new Error(`${label}: the page never reported its backend`);
    await sleep(100);
  }
  await installPageClock(page);
  log(`${label}: ${dist}, ${await engine.getAttribute('data-backend')} ${await engine.getAttribute('data-threads')} threads, browser pid ${root}`);
  return { label, server, chromium, root, page };
}

async function cutMeasured(side: Side, other: Side, photo: string): Promise<PhotoCpu> {
  const before = chromiumSnapshot(side.root);
  const otherBefore = chromiumSnapshot(other.root);
  let cpu: CpuSpent | undefined;
  let otherCpu = NaN;
  // Read at the moment the card is seen done, before the bench removes it.
  const r = await cutOnPage(side.page, photo, () => {
    cpu = cpuSpent(before, chromiumSnapshot(side.root));
    otherCpu = cpuSpent(otherBefore, chromiumSnapshot(other.root)).seconds;
  });
  if (r.state !== 'done' || !cpu) throw new Error(`${side.label} ${basename(photo)}: ${r.state}: ${r.error}`);
  return { side: side.label, photo: basename(photo), wall: r.wall, infer: r.timings?.infer, cpu, otherCpu };
}

const fmt = (s: number) => s.toFixed(2);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      a: { type: 'string' },
      b: { type: 'string' },
      // The models each build is served with, when they differ from models/ (an older build's manifest names older files).
      'a-models': { type: 'string' },
      'b-models': { type: 'string' },
      model: { type: 'string', default: 'isnet-int8-896' },
      rounds: { type: 'string', default: '3' },
      'max-photos': { type: 'string', default: '4' },
      dir: { type: 'string', default: join(sharedTestdata, 'photos') },
      top: { type: 'string', default: '8' },
    },
  });
  if (!values.a || !values.b) throw new Error('usage: --a DIST --b DIST [--model ID] [--rounds N] [--max-photos N]');
  const photos = listPhotos(values.dir!).slice(0, Number(values['max-photos']));
  const load = [loadavg()[0]];
  const a = await open('A', values.a, values.model!, values['a-models']);
  const b = await open('B', values.b, values.model!, values['b-models']);
  const results: PhotoCpu[] = [];
  try {
    for (const side of [a, b]) {
      const w = await cutMeasured(side, side === a ? b : a, photos[0]);
      log(`${side.label} warm-up ${w.photo}: ${fmt(w.cpu.seconds)} CPU s (untimed)`);
    }
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [i, photo] of photos.entries()) {
        // Alternate which build goes first, so a drift in the machine's load hits both alike.
        const order = (round + i) % 2 ? [b, a] : [a, b];
        for (const side of order) {
          const r = await cutMeasured(side, side === a ? b : a, photo);
          results.push(r);
          const top = r.cpu.threads.slice(0, 8).map(([n, s]) => `${n} ${fmt(s)}`).join(', ');
          log(`round ${round + 1} ${r.side} ${r.photo}: ${fmt(r.cpu.seconds)} CPU s, wall ${((r.wall ?? NaN) / 1000).toFixed(2)} s, infer ${((r.infer ?? NaN) / 1000).toFixed(2)} s; other browser ${fmt(r.otherCpu)} s; ${top}`);
        }
      }
    }
  } finally {
    for (const side of [a, b]) {
      await side.chromium.close();
      await side.server.stop();
    }
  }
  load.push(loadavg()[0]);
  const lines: string[] = [`${values.model}, ${photos.length} photos x ${values.rounds} rounds, interleaved; load ${load.map((l) => l.toFixed(1)).join(' -> ')} (1-min)`];
  lines.push('side | CPU s/photo | wall s/photo | infer s | other browser CPU s | dist');
  const summary: Record<string, unknown> = {};
  for (const side of [a, b]) {
    const mine = results.filter((r) => r.side === side.label);
    const s = {
      cpu: median(mine.map((r) => r.cpu.seconds)),
      wall: median(mine.map((r) => (r.wall ?? NaN) / 1000)),
      infer: median(mine.map((r) => (r.infer ?? NaN) / 1000)),
      other: median(mine.map((r) => r.otherCpu)),
    };
    summary[side.label] = { ...s, dist: side.label === 'A' ? values.a : values.b, samples: mine };
    lines.push(`${side.label} | ${fmt(s.cpu)} | ${fmt(s.wall)} | ${fmt(s.infer)} | ${fmt(s.other)} | ${side.label === 'A' ? values.a : values.b}`);
  }
  // Per thread name: median seconds per photo on each side.
  const names = new Set(results.flatMap((r) => r.cpu.byThread.map(([n]) => n)));
  const perThread = [...names].map((name) => {
    const m = (label: string) => median(results.filter((r) => r.side === label).map((r) => r.cpu.byThread.find(([n]) => n === name)?.[1] ?? 0));
    return { name, a: m('A'), b: m('B') };
  }).sort((x, y) => Math.max(y.a, y.b) - Math.max(x.a, x.b));
  lines.push('', 'thread | A CPU s/photo | B CPU s/photo');
  for (const t of perThread.slice(0, Number(values.top))) lines.push(`${t.name} | ${fmt(t.a)} | ${fmt(t.b)}`);
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ summary, perThread, load }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
