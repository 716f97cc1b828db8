/**
 * How many WebAssembly threads this device really runs in parallel. Browsers do not say:
 * `navigator.hardwareConcurrency` is a privacy bucket in WebKit (4 on any machine with
 * fewer than 8 cores), and oversubscribed threads make onnxruntime slower, not faster
 * (4 threads on 2 cores took 1.6x the single-threaded time in WebKit). So where more than
 * two cores are reported a short probe times busy workers, 2, 4… at once, in interleaved
 * rounds, and the smallest count that reaches the best throughput wins; two reported cores
 * mean two threads, one means one. The answer is kept per device and browser (device-settings.ts), and
 * measured again when the browser or hardwareConcurrency changes.
 */
import { readDeviceSetting, writeDeviceSetting } from './device-settings.ts';
import { withinTime } from './time-limit.ts';

/** One probe round: `threads` busy workers at once took `ms` for a fixed amount of work each. */
export interface ProbeRound {
  threads: number;
  ms: number;
}

/**
 * The counts worth trying: powers of two up to the reported cores (at most 8), and that
 * count itself; never one where two or more cores are reported. A second core exists on
 * every such device (WebKit's bucket of 4 stands for 2 to 7), and one thread against two
 * is what a probe at page load cannot judge: the page loading and the model arriving keep a
 * core busy as it runs, and on an idle 2-core machine the same build chose one thread in one
 * fresh browser and two in the next, and kept the answer.
 */
export function threadCandidates(hardwareConcurrency: number): number[] {
  const max = Math.max(1, Math.min(8, Math.floor(hardwareConcurrency) || 1));
  if (max === 1) return [1];
  const counts = [2, 4, 8].filter((n) => n <= max);
  if (!counts.includes(max)) counts.push(max);
  return counts;
}

/**
 * The smallest count whose throughput (work done per millisecond) is within `tolerance`
 * of the best round's: more threads than that only add contention. Real cores double the
 * throughput when the count doubles (a ratio of 0.5); oversubscribed ones leave it about
 * equal, but two things flatter the larger counts: each round's fixed cost (messages,
 * wake-ups), and other busy threads on the machine, which share the cores with the probe's
 * fairly: against N of them, 4 workers on 2 cores do 2(N+2)/(N+4) times the work of 2
 * (1.33 with 2 others, 1.5 with 4). In CI, WebKit chose 4 on 2 cores at a bar of 0.7; at
 * 0.6 a larger count must do 1.67 times the work, which real cores do and shared ones
 * only on a very busy machine.
 */
export function fastestThreadCount(rounds: readonly ProbeRound[], tolerance = 0.6): number {
  if (!rounds.length) return 1;
  const throughput = (r: ProbeRound) => r.threads / Math.max(r.ms, 1e-3);
  const best = Math.max(...rounds.map(throughput));
  return [...rounds].sort((a, b) => a.threads - b.threads).find((r) => throughput(r) >= best * tolerance)!.threads;
}


// A busy loop with no shared memory, so the probe runs wherever workers do.
const SPIN = `onmessage = (e) => { let x = 1; for (let i = 0; i < e.data; i++) x = (x * 1103515245 + 12345) | 0; postMessage(x); };`;

/** Runs `workers[0..count)` on `work` iterations each, at once; resolves with the wall time. */
async function round(workers: Worker[], count: number, work: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    workers.slice(0, count).map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(`the thread probe's worker failed: ${e.message}`));
          w.postMessage(work);
        }),
    ),
  );
  return performance.now() - started;
}

/**
 * The order of the probe's rounds: every count once per pass, alternately up and down, so
 * that load that fades while the probe runs (the page still loading, the model arriving)
 * weighs on every count alike instead of on the first ones only.
 */
export function probeSchedule(candidates: readonly number[], passes = 3): number[] {
  const schedule: number[] = [];
  for (let pass = 0; pass < passes; pass++) schedule.push(...(pass % 2 ? [...candidates].reverse() : candidates));
  return schedule;
}

/** Each count's quickest round: the one least disturbed by anything else running. */
export function quickestRounds(rounds: readonly ProbeRound[]): ProbeRound[] {
  const best = new Map<number, number>();
  for (const r of rounds) best.set(r.threads, Math.min(best.get(r.threads) ?? Infinity, r.ms));
  return [...best].sort(([a], [b]) => a - b).map(([threads, ms]) => ({ threads, ms }));
}

/**
 * Times busy workers at each candidate count (the quickest of three interleaved rounds
 * each) and returns the rounds. About 50 ms of work per thread and round: one to two seconds in all.
 */
export async function probeThreads(hardwareConcurrency: number): Promise<ProbeRound[]> {
  const candidates = threadCandidates(hardwareConcurrency);
  if (candidates.length === 1) return [{ threads: candidates[0], ms: 1 }];
  const url = URL.createObjectURL(new Blob([SPIN], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  try {
    const max = candidates[candidates.length - 1];
    for (let i = 0; i < max; i++) workers.push(new Worker(url));
    // Scale the work to ~50 ms on one thread, three times over: the engine's JIT keeps
    // optimizing the loop over the first rounds, and work scaled on a slower tier would leave
    // rounds so short that their fixed cost (messages, wake-ups) decides, which flatters
    // larger counts (WebKit chose 4 on 2 cores in a quiet CI run after one scaling).
    let work = 1 << 20;
    await round(workers, max, work);
    for (let i = 0; i < 3; i++) {
      const ms = await round(workers, 1, work);
      work = Math.max(1 << 16, Math.round((work * 50) / Math.max(ms, 1)));
    }
    const rounds: ProbeRound[] = [];
    for (const threads of probeSchedule(candidates)) rounds.push({ threads, ms: await round(workers, threads, work) });
    return quickestRounds(rounds);
  } finally {
    for (const w of workers) w.terminate();
    URL.revokeObjectURL(url);
  }
}

/** What is kept per device: the answer, and the hardwareConcurrency it was measured under. */
interface Remembered {
  hardwareConcurrency: number;
  threads: number;
  rounds: ProbeRound[];
}

const KEY = 'wasm-threads';
/** How long the probe may take before the engine goes on without it. */
const PROBE_MS = 15_000;

/**
 * The thread count for onnxruntime-web on this device: 1 without SharedArrayBuffer (no
 * threads can exist), else the probe's answer, measured once and remembered.
 */
export async function deviceThreads(hasSharedArrayBuffer: boolean, hardwareConcurrency: number): Promise<number> {
  if (!hasSharedArrayBuffer) return 1;
  const candidates = threadCandidates(hardwareConcurrency);
  if (candidates.length === 1) return candidates[0];
  const kept = await readDeviceSetting<Remembered>(KEY);
  // An answer outside today's candidates (one thread, kept by an older probe) is measured again.
  if (kept && kept.hardwareConcurrency === hardwareConcurrency && candidates.includes(kept.threads)) return kept.threads;
  let rounds: ProbeRound[];
  try {
    rounds = await withinTime(probeThreads(hardwareConcurrency), PROBE_MS, 'the thread probe');
  } catch {
    return 1; // a probe that fails or stalls says nothing: one thread is always safe
  }
  const threads = fastestThreadCount(rounds);
  await writeDeviceSetting<Remembered>(KEY, { hardwareConcurrency, threads, rounds });
  return threads;
}
