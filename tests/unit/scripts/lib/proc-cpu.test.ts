/**
 * CPU time from Linux's /proc, for the bench's CPU seconds per photo: the time between two
 * snapshots split by thread, and what this process burns seen in them.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuSnapshot, cpuSpent, outsideWorkers, type CpuSnapshot } from '../../../../scripts/lib/proc-cpu.ts';

/** A snapshot by hand: processes as [pid, ticks], threads as [pid, tid, name, ticks]. */
const snap = (processes: [number, number][], threads: [number, number, string, number][]): CpuSnapshot => ({
  processes: new Map(processes.map(([pid, ticks]) => [pid, { name: 'p', ticks }])),
  threads: new Map(threads.map(([pid, tid, name, ticks]) => [`${pid}/${tid}`, { pid, name, ticks }])),
});

describe('proc-cpu', () => {
  it('gives the CPU between two snapshots in seconds, by thread name largest first, a new thread counted from zero', () => {
    const before = snap([[10, 500], [11, 40]], [[10, 1, 'renderer/DedicatedWorker', 300], [10, 2, 'renderer/chromium', 100], [11, 3, 'gpu-process/VizCompositorTh', 40]]);
    const after = snap(
      [[10, 900], [11, 60], [12, 5]],
      [[10, 1, 'renderer/DedicatedWorker', 550], [10, 4, 'renderer/DedicatedWorker', 120], [10, 2, 'renderer/chromium', 130], [11, 3, 'gpu-process/VizCompositorTh', 60], [12, 5, 'utility/chromium', 5]],
    );
    const spent = cpuSpent(before, after, 100);
    // 400 + 20 ticks of the two known processes, 5 of the one born in between.
    expect(spent.seconds).toBeCloseTo(4.25, 10);
    expect(spent.byThread.map(([n]) => n)).toEqual(['renderer/DedicatedWorker', 'renderer/chromium', 'gpu-process/VizCompositorTh', 'utility/chromium']);
    expect(spent.byThread[0][1]).toBeCloseTo(3.7, 10);
    expect(spent.threads[0]).toEqual(['renderer/DedicatedWorker#1', 2.5]);
    // Outside the workers: the page's thread, Viz, the utility process.
    expect(outsideWorkers(spent)).toBeCloseTo(0.3 + 0.2 + 0.05, 10);
  });

  it.runIf(existsSync('/proc/self/stat'))('sees the CPU this process burns between two snapshots of it', () => {
    const before = cpuSnapshot([process.pid]);
    // Busy until the process itself has used 300 ms of CPU (its own clock, not the wall's).
    const start = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(start).user + process.cpuUsage(start).system < 300_000) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
    const spent = cpuSpent(before, cpuSnapshot([process.pid]));
    expect(x).toBeGreaterThan(0);
    expect(spent.seconds).toBeGreaterThanOrEqual(0.25);
    expect(spent.threads[0][1]).toBeGreaterThanOrEqual(0.25);
  });
});
