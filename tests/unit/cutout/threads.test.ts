import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../web/src/cutout/infer.ts';
import { fastestThreadCount, keptAnswer, probeSchedule, quickestRounds, threadCandidates, threadsToRun, threadsWithoutProbe } from '../../../web/src/cutout/threads.ts';

describe('the WASM thread count', () => {
  it('is one wherever SharedArrayBuffer is missing, however isolated the page and however many cores it reports (WebKit by default)', () => {
    const webkit = { webgpu: false, crossOriginIsolated: true, sharedArrayBuffer: false, hardwareConcurrency: 4 };
    expect(chooseBackend(webkit)).toEqual({ backend: 'wasm', threads: 1 });
    expect(chooseBackend({ ...webkit, measuredThreads: 2 })).toEqual({ backend: 'wasm', threads: 1 });
  });

  it('is one on a page that is not cross-origin isolated', () => {
    expect(chooseBackend({ webgpu: false, crossOriginIsolated: false, sharedArrayBuffer: true, hardwareConcurrency: 8 }).threads).toBe(1);
  });

  it('is the measured count where threads can run, else a thread per reported core, at most 8', () => {
    const caps = { webgpu: false, crossOriginIsolated: true, sharedArrayBuffer: true, hardwareConcurrency: 4 };
    expect(chooseBackend({ ...caps, measuredThreads: 2 }).threads).toBe(2);
    expect(chooseBackend(caps).threads).toBe(4);
    expect(chooseBackend({ ...caps, hardwareConcurrency: 32 }).threads).toBe(8);
  });

  it('tries powers of two from 2 up to the reported cores, and that count itself; one thread only where one core is reported', () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(0)).toEqual([1]);
    // Two reported cores: two threads, nothing to probe (a probe at page load chose one as often as two).
    expect(threadCandidates(2)).toEqual([2]);
    expect(threadCandidates(3)).toEqual([2, 3]);
    expect(threadCandidates(4)).toEqual([2, 4]);
    expect(threadCandidates(6)).toEqual([2, 4, 6]);
    expect(threadCandidates(16)).toEqual([2, 4, 8]);
  });

  it('settles on the smallest count that reaches the best throughput: 2 on a 2-core machine that reports 4', () => {
    // Each round: `threads` workers doing the same work at once. Two cores: 2 at once take as long as 1; 4 take twice as long.
    expect(fastestThreadCount([{ threads: 1, ms: 40 }, { threads: 2, ms: 41 }, { threads: 4, ms: 82 }])).toBe(2);
    // Four real cores.
    expect(fastestThreadCount([{ threads: 1, ms: 40 }, { threads: 2, ms: 40 }, { threads: 4, ms: 42 }])).toBe(4);
    // One core (or a machine busy on every core): more threads only share it.
    expect(fastestThreadCount([{ threads: 1, ms: 40 }, { threads: 2, ms: 80 }, { threads: 4, ms: 160 }])).toBe(1);
    // A little short of the best is enough: fewer threads contend less.
    expect(fastestThreadCount([{ threads: 1, ms: 40 }, { threads: 2, ms: 42 }, { threads: 4, ms: 75 }])).toBe(2);
    // Each round's fixed cost (here 25 ms) makes 4 threads on 2 cores look 20% better than 2: still 2.
    expect(fastestThreadCount([{ threads: 1, ms: 65 }, { threads: 2, ms: 65 }, { threads: 4, ms: 105 }])).toBe(2);
    // Two cores shared fairly with four other busy threads: each count's round takes (4 + count) / 2 units,
    // so 4 workers do 1.5 times the work of 2; still 2.
    expect(fastestThreadCount([{ threads: 1, ms: 100 }, { threads: 2, ms: 120 }, { threads: 4, ms: 160 }])).toBe(2);
    // Four real cores with some overhead at 4: still 4.
    expect(fastestThreadCount([{ threads: 1, ms: 40 }, { threads: 2, ms: 41 }, { threads: 4, ms: 46 }])).toBe(4);
    expect(fastestThreadCount([])).toBe(1);
  });

  it('times every count in each of three passes, alternately up and down, so load that fades during the probe weighs on every count', () => {
    expect(probeSchedule([1, 2, 4])).toEqual([1, 2, 4, 4, 2, 1, 1, 2, 4]);
    expect(probeSchedule([1, 2], 2)).toEqual([1, 2, 2, 1]);
  });

  it("keeps each count's quickest round: a round slowed by the page loading beside it does not decide", () => {
    // The first pass ran while the model arrived: 2 threads looked slow then, and alone would make 4 win.
    const rounds = [
      { threads: 1, ms: 90 }, { threads: 2, ms: 120 }, { threads: 4, ms: 84 },
      { threads: 4, ms: 82 }, { threads: 2, ms: 41 }, { threads: 1, ms: 40 },
    ];
    expect(fastestThreadCount(rounds.slice(0, 3))).toBe(4);
    expect(quickestRounds(rounds)).toEqual([{ threads: 1, ms: 40 }, { threads: 2, ms: 41 }, { threads: 4, ms: 82 }]);
    expect(fastestThreadCount(quickestRounds(rounds))).toBe(2);
  });

  it('runs two threads where the probe fails or stalls and two or more cores are reported; one only where one is', () => {
    expect(threadsWithoutProbe(4)).toBe(2);
    expect(threadsWithoutProbe(8)).toBe(2);
    expect(threadsWithoutProbe(2)).toBe(2);
    expect(threadsWithoutProbe(1)).toBe(1);
  });

  it('uses a kept answer only under the hardwareConcurrency it was measured under, and only if it is among today\'s counts', () => {
    const kept = { hardwareConcurrency: 4, threads: 4, rounds: [], settled: true };
    expect(keptAnswer(kept, 4)).toBe(kept);
    expect(keptAnswer(kept, 8), 'measured under another hardwareConcurrency').toBeUndefined();
    expect(keptAnswer({ ...kept, threads: 1 }, 4), 'one thread, from an older probe').toBeUndefined();
    expect(keptAnswer(undefined, 4)).toBeUndefined();
  });

  it('holds an answer taken at page load, or kept by an older build, as provisional: it is measured again once the engine is idle', () => {
    expect(keptAnswer({ hardwareConcurrency: 4, threads: 2, rounds: [], settled: false }, 4)?.settled).toBe(false);
    // Kept before answers said how they were taken: every one of them was taken at page load.
    expect(keptAnswer({ hardwareConcurrency: 4, threads: 2, rounds: [] }, 4)?.settled).toBeFalsy();
  });

  it('starts on two threads until the probe at idle time has measured, and on its answer from then on', () => {
    // Nothing measured yet: nothing is probed at page load (the page's own work fooled it into 4 on 2 cores).
    expect(threadsToRun(true, 4, undefined)).toBe(2);
    expect(threadsToRun(true, 8, undefined)).toBe(2);
    expect(threadsToRun(true, 4, { hardwareConcurrency: 4, threads: 4, rounds: [], settled: true })).toBe(4);
    // An answer an older build took at page load is not trusted.
    expect(threadsToRun(true, 4, { hardwareConcurrency: 4, threads: 4, rounds: [], settled: false })).toBe(2);
    expect(threadsToRun(true, 4, { hardwareConcurrency: 4, threads: 4, rounds: [] })).toBe(2);
    // Measured under other reported cores: measured again, two meanwhile.
    expect(threadsToRun(true, 8, { hardwareConcurrency: 4, threads: 4, rounds: [], settled: true })).toBe(2);
    expect(threadsToRun(true, 1, undefined)).toBe(1);
    expect(threadsToRun(false, 8, { hardwareConcurrency: 8, threads: 8, rounds: [], settled: true }), 'no SharedArrayBuffer, no threads').toBe(1);
  });
});
