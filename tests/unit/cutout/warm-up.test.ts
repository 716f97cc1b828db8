/**
 * The warm-up model is what scripts/lib/onnx/warm-up-model.ts writes (a U²-Net block in
 * miniature quantized as the default model is), it runs in onnxruntime-web, and its further
 * runs stop when asked.
 */
import * as ort from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadsFailedError } from '../../../web/src/cutout/errors.ts';
import { decodeModel, toNumber, valueDims } from '../../../scripts/lib/onnx/model-proto.ts';
import { warmUpModelBytes } from '../../../scripts/lib/onnx/warm-up-model.ts';
import { THREADS_START_MS, WARM_UP_INPUT_DIMS, warmUpModel, warmUpRuntime, warmUpWithin } from '../../../web/src/cutout/warm-up.ts';

ort.env.wasm.numThreads = 1;

describe('warm-up model', () => {
  it('is the bytes scripts/lib/onnx/warm-up-model.ts writes (else paste its base64 into warm-up.ts)', () => {
    const expected = Buffer.from(warmUpModelBytes()).toString('base64');
    expect(Buffer.from(warmUpModel()).toString('base64'), expected).toBe(expected);
  });

  it('has the QDQ Convs (3×3, per-channel int8 weights, dilated too), pools, Add, Resize, Concat and float head of the default model', () => {
    const graph = decodeModel(warmUpModel()).graph!;
    const ops = new Set(graph.node!.map((n) => n.opType));
    for (const op of ['QuantizeLinear', 'DequantizeLinear', 'Conv', 'Relu', 'MaxPool', 'Add', 'Resize', 'Concat', 'Sigmoid']) expect(ops, op).toContain(op);
    const int8Weights = graph.initializer!.filter((t) => t.name!.endsWith('_w_q'));
    expect(int8Weights.map((t) => t.dims!.map(toNumber).slice(2))).toEqual([
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 3],
    ]);
    const dilations = graph.node!.filter((n) => n.opType === 'Conv').map((n) => n.attribute!.find((a) => a.name === 'dilations')!.ints!.map(toNumber)[0]);
    expect(dilations).toContain(2);
    expect(valueDims(graph.input![0])).toEqual([...WARM_UP_INPUT_DIMS]);
    expect(warmUpModel().length).toBeLessThan(32_000);
  });

  it('opens and runs in onnxruntime-web, its output a mask in (0, 1)', async () => {
    const session = await ort.InferenceSession.create(warmUpModel());
    const size = WARM_UP_INPUT_DIMS.reduce((a, b) => a * b);
    const x = new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.cos(i)), [...WARM_UP_INPUT_DIMS]);
    const out = (await session.run({ x })).output;
    expect(out.dims).toEqual([1, 1, 16, 16]);
    expect(Array.from(out.data as Float32Array).every((v) => v > 0 && v < 1)).toBe(true);
    await session.release();
  });

  it('is ready after one run, makes its further runs, and can start again after', async () => {
    const first = warmUpRuntime(ort, 3);
    await first.ready;
    const made = await first.finish();
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThanOrEqual(4);
    const second = warmUpRuntime(ort, 0);
    await second.ready;
    await expect(second.finish()).resolves.toBe(1);
  });

  it('stops its further runs at finish(), after the one under way: the model never waits for them', async () => {
    const warmUp = warmUpRuntime(ort, 500);
    await warmUp.ready;
    expect(await warmUp.finish()).toBeLessThanOrEqual(2);
  });

  it('reports a failure to open through ready, and finish() still resolves', async () => {
    const broken = { ...ort, InferenceSession: { create: () => Promise.reject(new Error('no WebAssembly here')) } } as unknown as typeof ort;
    const warmUp = warmUpRuntime(broken);
    await expect(warmUp.ready).rejects.toThrow('no WebAssembly here');
    await expect(warmUp.finish()).resolves.toBe(0);
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
    const warmUp = warmUpRuntime(ort);
    await expect(warmUpWithin(warmUp.ready, 2, never())).resolves.toBeUndefined();
    await warmUp.finish();
  });
});
