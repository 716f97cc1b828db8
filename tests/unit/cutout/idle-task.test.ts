import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTask } from '../../../web/src/cutout/idle-task.ts';

/** A task that records each run and settles when the test says; resolves `done` when told to. */
function recordingTask() {
  const runs: { signal: AbortSignal; finish: (done: boolean) => void }[] = [];
  const run = (signal: AbortSignal) => new Promise<boolean>((resolve) => runs.push({ signal, finish: resolve }));
  return { runs, run };
}

describe('work run only while the engine is idle (the thread probe at idle time)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts once the engine has been quiet for the whole quiet time, not before', async () => {
    const { runs, run } = recordingTask();
    const task = new IdleTask(5_000, run);
    task.quiet();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);
    runs[0].finish(true);
  });

  it('does not start between the photos of a batch: new work before the quiet time is up starts the wait again', async () => {
    const { runs, run } = recordingTask();
    const task = new IdleTask(5_000, run);
    task.quiet();
    await vi.advanceTimersByTimeAsync(3_000);
    task.busy();
    task.quiet();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runs).toHaveLength(1);
    runs[0].finish(true);
  });

  it('is stopped at once by new work, and runs again at the next quiet time until it reports done; then never again', async () => {
    const { runs, run } = recordingTask();
    const task = new IdleTask(5_000, run);
    task.quiet();
    await vi.advanceTimersByTimeAsync(5_000);
    task.busy();
    expect(runs[0].signal.aborted).toBe(true);
    runs[0].finish(false);
    task.quiet();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(2);
    expect(runs[1].signal.aborted).toBe(false);
    runs[1].finish(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(task.done).toBe(true);
    task.quiet();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(2);
  });

  it('counts a run stopped by new work as not done, even if it reports done', async () => {
    const { runs, run } = recordingTask();
    const task = new IdleTask(5_000, run);
    task.quiet();
    await vi.advanceTimersByTimeAsync(5_000);
    task.busy();
    runs[0].finish(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(task.done).toBe(false);
  });

  it('runs one at a time: quiet again while it runs starts no second run', async () => {
    const { runs, run } = recordingTask();
    const task = new IdleTask(5_000, run);
    task.quiet();
    await vi.advanceTimersByTimeAsync(5_000);
    task.quiet();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(1);
    runs[0].finish(true);
  });

  it('tries again at the next quiet time after a run that failed', async () => {
    let calls = 0;
    const task = new IdleTask(1_000, async () => {
      calls++;
      throw new Error('the probe could not start its workers');
    });
    task.quiet();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(task.done).toBe(false);
    task.quiet();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
  });
});
