/** The warm-up model is the one-node graph its comment says, and it runs in onnxruntime-web. */
import * as ort from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadsFailedError } from '../../../web/src/cutout/errors.ts';
import { decodeModel } from '../../../scripts/lib/onnx/model-proto.ts';
import { THREADS_START_MS, warmUpModel, warmUpRuntime, warmUpWithin } from '../../../web/src/cutout/warm-up.ts';

ort.env.wasm.numThreads = 1;

describe('warm-up model', () => {
  it('is one MaxPool 1×1 from x to y, 1×1×2×2 float, 121 bytes', () => {
    const bytes = warmUpModel();
    expect(bytes.length).toBe(121);
    const graph = decodeModel(bytes).graph!;
    expect(graph.node!.map((n) => `${n.opType}(${n.input!.join(',')})->${n.output!.join(',')}`)).toEqual(['MaxPool(x)->y']);
    expect(graph.input!.map((i) => i.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)))).toEqual([[1, 1, 2, 2]]);
  });

  it('opens, runs and closes in onnxruntime-web, and can do it again', async () => {
    await warmUpRuntime(ort);
    await warmUpRuntime(ort);
    // The runtime it warmed runs a real session afterwards.
    const session = await ort.InferenceSession.create(warmUpModel());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(5, 6, 7, 8), [1, 1, 2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([5, 6, 7, 8]);
    await session.release();
  });
});

/** Whether `promise` has settled yet, and how. */
function watch(promise: Promise<unknown>) {
  const state: { settled?: 'resolved' | 'rejected'; error?: unknown } = {};
  promise.then(
    () => (state.settled = 'resolved'),
    (error) => Object.assign(state, { settled: 'rejected', error }),
  );
  return state;
}

describe('waiting for the WebAssembly threads to start', () => {
  // What onnxruntime does when a thread worker neither starts nor fails: waits, with no time limit.
  const never = () => new Promise<never>(() => {});
  afterEach(() => vi.useRealTimers());

  it('gives up after two minutes where threads run: threads that have neither started nor failed by then count as failed', async () => {
    vi.useFakeTimers();
    expect(THREADS_START_MS).toBe(120_000);
    const waiting = watch(warmUpWithin(never(), 4, never()));
    await vi.advanceTimersByTimeAsync(THREADS_START_MS - 1);
    expect(waiting.settled, 'just before the limit').toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.settled).toBe('rejected');
    expect(waiting.error).toBeInstanceOf(ThreadsFailedError);
    expect(String(waiting.error)).toContain('starting the WebAssembly threads took over 120 s');
  });

  it('fails at once when a thread worker fails to load, without waiting for the limit', async () => {
    vi.useFakeTimers();
    const failed = Promise.reject(new ThreadsFailedError('a thread worker failed to load'));
    failed.catch(() => {});
    const waiting = watch(warmUpWithin(never(), 2, failed));
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.error).toBeInstanceOf(ThreadsFailedError);
  });

  it('puts no limit on one thread, which starts no thread workers: a slow warm-up is waited for', async () => {
    vi.useFakeTimers();
    let finish!: () => void;
    const waiting = watch(warmUpWithin(new Promise<void>((r) => (finish = r)), 1, never()));
    await vi.advanceTimersByTimeAsync(10 * THREADS_START_MS);
    expect(waiting.settled).toBeUndefined();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.settled).toBe('resolved');
  });

  it('lets any other warm-up failure pass: opening the model reports its own', async () => {
    await expect(warmUpWithin(Promise.reject(new Error('no WebAssembly here')), 4, never())).resolves.toBeUndefined();
  });

  it('resolves once the real runtime has warmed up within the limit', async () => {
    await expect(warmUpWithin(warmUpRuntime(ort), 2, never())).resolves.toBeUndefined();
  });
});
