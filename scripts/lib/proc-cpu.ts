/**
 * CPU time of processes and their threads, read from Linux's /proc, for the benchmark's
 * "CPU seconds per photo": unlike wall time, the CPU a browser burns for a photo does not
 * grow when other work on the machine competes for the cores.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chromiumKindOf, descendants, readStat } from './proc-tree.ts';

let tickHz: number | undefined;
/** Clock ticks per second (CLK_TCK; 100 on every Linux this runs on, asked once). */
export function ticksPerSecond(): number {
  if (tickHz === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    tickHz = Number(out) > 0 ? Number(out) : 100;
  }
  return tickHz;
}

/** The CPU of a set of processes at one moment: per process (live and exited threads) and per live thread. */
export interface CpuSnapshot {
  /** pid → the process's own ticks (its exited threads included, its children not). */
  processes: Map<number, { name: string; ticks: number }>;
  /** "pid/tid" → the thread's name and ticks. */
  threads: Map<string, { pid: number; name: string; ticks: number }>;
}

/**
 * Reads the CPU of `pids` and of each of their threads now. `kindOf` names what a process
 * is (a Chromium renderer, the GPU process...): its threads are named "kind/thread".
 */
export function cpuSnapshot(pids: readonly number[], kindOf: (pid: number) => string = () => ''): CpuSnapshot {
  const snap: CpuSnapshot = { processes: new Map(), threads: new Map() };
  for (const pid of pids) {
    const proc = readStat(`/proc/${pid}/stat`);
    if (!proc) continue;
    const kind = kindOf(pid);
    snap.processes.set(pid, { name: kind || proc.name, ticks: proc.ticks });
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const t = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (t) snap.threads.set(`${pid}/${tid}`, { pid, name: kind ? `${kind}/${t.name}` : t.name, ticks: t.ticks });
    }
  }
  return snap;
}

/** CPU spent between two snapshots, in seconds: in total, and by thread name (threads of one name summed). */
export interface CpuSpent {
  seconds: number;
  /** Thread name → seconds, largest first; threads born after `before` count from zero. */
  byThread: [string, number][];
  /** Each thread on its own ("name#tid" → seconds), largest first. */
  threads: [string, number][];
}

/**
 * What `after` adds to `before`, pure. A process absent from `before` counts from zero
 * (it started in between); one absent from `after` (it exited) is lost, as /proc keeps
 * nothing of it: the bench keeps its browsers open across photos, so that is rare.
 */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot, hz = ticksPerSecond()): CpuSpent {
  let ticks = 0;
  for (const [pid, p] of after.processes) ticks += p.ticks - (before.processes.get(pid)?.ticks ?? 0);
  const byName = new Map<string, number>();
  const threads: [string, number][] = [];
  for (const [key, t] of after.threads) {
    const d = t.ticks - (before.threads.get(key)?.ticks ?? 0);
    if (d <= 0) continue;
    byName.set(t.name, (byName.get(t.name) ?? 0) + d / hz);
    threads.push([`${t.name}#${key.split('/')[1]}`, d / hz]);
  }
  const largestFirst = (a: [string, number], b: [string, number]) => b[1] - a[1];
  return { seconds: ticks / hz, byThread: [...byName].sort(largestFirst), threads: threads.sort(largestFirst) };
}

/** The CPU of every process of the Chromium whose main process is `root`, threads named "kind/thread". */
export function chromiumSnapshot(root: number): CpuSnapshot {
  return cpuSnapshot([root, ...descendants(root)], chromiumKindOf);
}

/**
 * The seconds spent outside the page's workers (Chromium names a worker's thread
 * "DedicatedWorker thread", cut to "DedicatedWorker"): the page's main thread, compositing,
 * the GPU and browser processes. Rendering the page while the network runs shows here.
 */
export function outsideWorkers(spent: CpuSpent): number {
  return spent.byThread.reduce((sum, [name, s]) => (/(^|\/)DedicatedWorker/.test(name) ? sum : sum + s), 0);
}
