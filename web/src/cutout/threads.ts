/**
 * How many WebAssembly threads this device really runs in parallel. Browsers do not say:
 * `navigator.hardwareConcurrency` is a privacy bucket in WebKit (4 on any machine with
 * fewer than 8 cores), and oversubscribed threads make onnxruntime slower, not faster
 * (4 threads on 2 cores took 1.6x the single-threaded time in WebKit). So where more than
 * two cores are reported a short probe times busy workers, 2, 4… at once, in interleaved
 * rounds, and the smallest count that reaches the best throughput wins; two reported cores
 * mean two threads, one means one. The answer is kept per device and browser (device-settings.ts), and
 * measured again when the browser or hardwareConcurrency changes.
 *
 * The probe runs only once the engine is idle (the model open, no cut running; sessions.ts),
 * and its answer is for the engine's next start. Until then the engine runs two threads. A
 * probe at page load, as the runtime compiles and the model downloads, was wrong both ways:
 * that work keeps cores busy beside the probe, which makes 2 look as good as 4 where 4 is
 * right, and busy threads sharing the cores flatter the larger count, so WebKit chose 4 on a
 * 2-core CI machine (4 threads there ran 1.6x slower than one). It also took a core from the
 * first photo for a second or two. A cut that starts during the idle probe stops it (it would
 * slow the cut and the cut would spoil the probe): it tries again at the next idle time.
 */
import { readDeviceSetting, writeDeviceSetting } from './device-settings.ts';
import { abortError, throwIfAborted } from './errors.ts';
import { withinTime } from './time-limit.ts';

/** One probe round: `threads` busy workers at once took `ms` for a fixed amount of work each. */
export interface ProbeRound {
  threads: number;
  ms: number;
}

/**
 * The counts worth trying: powers of two up to the reported cores (at most 8), and that
 * count itself; never one where two or more cores are reported. One thread against two is
 * what a probe at page load could not judge (on an idle 2-core machine the same build chose
 * one in one fresh browser and two in the next), and either mistake costs about as much:
 * oversubscribed threads took 1.6x one thread's time (4 on 2 cores), and one thread where two
 * cores are free takes up to twice two threads' time. Where more than one core is reported a second one almost
 * always exists: Chromium and Firefox report the logical cores; WebKit reports 4 for any
 * machine with fewer than 8 and 8 otherwise (`NavigatorBase::hardwareConcurrency` in WebKit's
 * Source/WebCore/page/NavigatorBase.cpp), so its 4 stands for 1 to 7 cores: a single-core
 * machine would run two threads there (not measured: none was at hand). Where WebKit's
 * script-telemetry protection applies, the same function returns a seeded random 1 to 64.
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
async function timeRound(workers: Worker[], count: number, work: number): Promise<number> {
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
 * each) and returns the rounds. About 50 ms of work per thread and round: one to two seconds
 * in all. Aborting `signal` ends its workers at once and rejects with an AbortError.
 */
export async function probeThreads(hardwareConcurrency: number, signal?: AbortSignal): Promise<ProbeRound[]> {
  const candidates = threadCandidates(hardwareConcurrency);
  if (candidates.length === 1) return [{ threads: candidates[0], ms: 1 }];
  throwIfAborted(signal);
  const url = URL.createObjectURL(new Blob([SPIN], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => (onAbort = () => reject(abortError())));
  aborted.catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const round = (count: number, work: number) => Promise.race([timeRound(workers, count, work), aborted]);
  try {
    const max = candidates[candidates.length - 1];
    for (let i = 0; i < max; i++) workers.push(new Worker(url));
    // Scale the work to ~50 ms on one thread, three times over: the engine's JIT keeps
    // optimizing the loop over the first rounds, and work scaled on a slower tier would leave
    // rounds so short that their fixed cost (messages, wake-ups) decides, which flatters
    // larger counts (WebKit chose 4 on 2 cores in a quiet CI run after one scaling).
    let work = 1 << 20;
    await round(max, work);
    for (let i = 0; i < 3; i++) {
      const ms = await round(1, work);
      work = Math.max(1 << 16, Math.round((work * 50) / Math.max(ms, 1)));
    }
    const rounds: ProbeRound[] = [];
    for (const threads of probeSchedule(candidates)) rounds.push({ threads, ms: await round(threads, work) });
    return quickestRounds(rounds);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const w of workers) w.terminate();
    URL.revokeObjectURL(url);
  }
}

/** What is kept per device: the answer, the hardwareConcurrency it was measured under, and how. */
export interface KeptThreads {
  hardwareConcurrency: number;
  threads: number;
  rounds: ProbeRound[];
  /** Measured with the engine idle. Answers kept before 2026-12-02 were probed at page load (false or missing): they are measured again. */
  settled?: boolean;
}

/**
 * The kept answer that still holds under today's reported cores, or undefined: one measured
 * under another hardwareConcurrency, or outside today's candidates (one thread, kept by an
 * older probe), is measured again.
 */
export function keptAnswer(kept: KeptThreads | undefined, hardwareConcurrency: number): KeptThreads | undefined {
  if (!kept || kept.hardwareConcurrency !== hardwareConcurrency) return undefined;
  return threadCandidates(hardwareConcurrency).includes(kept.threads) ? kept : undefined;
}

/**
 * The count to run until the probe has measured, or where it fails or stalls: the smallest
 * candidate, so two where two or more cores are reported, as without a probe where two are. A failed probe says nothing
 * about the cores (a blob: worker refused, a stalled machine), and onnxruntime's own thread
 * workers have their own fallback to one thread if they fail to start (thread-workers.ts).
 */
export function threadsWithoutProbe(hardwareConcurrency: number): number {
  return threadCandidates(hardwareConcurrency)[0];
}

const KEY = 'wasm-threads';
/** How long the probe at idle time may take: nothing waits for it, a busy machine only slows it. */
const IDLE_PROBE_MS = 60_000;

/** The probe's rounds, or undefined when it failed, took over `ms` or was stopped by `signal`; its workers end in every case. */
async function probeWithin(hardwareConcurrency: number, ms: number, signal?: AbortSignal): Promise<ProbeRound[] | undefined> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) return undefined;
    return await withinTime(probeThreads(hardwareConcurrency, stop.signal), ms, 'the thread probe');
  } catch {
    return undefined;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/**
 * The thread count to start onnxruntime-web with: 1 without SharedArrayBuffer (no threads can
 * exist), else the answer the probe at idle time kept, else two (one where one core is
 * reported) until it has measured. A kept answer not measured at idle time is not used.
 */
export function threadsToRun(hasSharedArrayBuffer: boolean, hardwareConcurrency: number, kept: KeptThreads | undefined): number {
  if (!hasSharedArrayBuffer) return 1;
  const answer = keptAnswer(kept, hardwareConcurrency);
  return answer?.settled ? answer.threads : threadsWithoutProbe(hardwareConcurrency);
}

/** threadsToRun with this device's kept answer. Nothing is measured here: see settleDeviceThreads. */
export async function deviceThreads(hasSharedArrayBuffer: boolean, hardwareConcurrency: number): Promise<number> {
  return threadsToRun(hasSharedArrayBuffer, hardwareConcurrency, hasSharedArrayBuffer ? await readDeviceSetting<KeptThreads>(KEY) : undefined);
}

/**
 * Where no thread count measured at idle time is kept, probes now (call it when the engine is
 * idle) and keeps that answer as settled, for the engine's next start. Resolves true when
 * the kept count is settled (now or before) or there is nothing to measure; false when the
 * probe was stopped by `signal`, failed or stalled: try again at the next idle time.
 */
export async function settleDeviceThreads(hardwareConcurrency: number, signal: AbortSignal): Promise<boolean> {
  if (threadCandidates(hardwareConcurrency).length === 1) return true;
  if (keptAnswer(await readDeviceSetting<KeptThreads>(KEY), hardwareConcurrency)?.settled) return true;
  const rounds = await probeWithin(hardwareConcurrency, IDLE_PROBE_MS, signal);
  if (!rounds) return false;
  await writeDeviceSetting<KeptThreads>(KEY, { hardwareConcurrency, threads: fastestThreadCount(rounds), rounds, settled: true });
  return true;
}
