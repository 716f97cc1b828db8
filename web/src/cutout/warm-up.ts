/**
 * Warms onnxruntime-web up before the model is there: opening any session compiles the
 * .wasm (about 14 MB) and starts its threads, which otherwise happens only once the model
 * has downloaded, in front of the first photo. A one-node model (MaxPool 1×1 on a 2×2
 * float tensor, 121 bytes, written with onnx-proto; tests/unit/cutout/warm-up.test.ts
 * reads it back) is enough, and it runs once so the run path is set up too.
 */
import { ThreadsFailedError } from './errors.ts';
import type { OrtModule } from './infer.ts';
import { TimeLimitError, withinTime } from './time-limit.ts';

/** How long onnxruntime's threads may take to start (compiling the .wasm included) before they count as failed: far above a slow device's seconds. */
export const THREADS_START_MS = 120_000;

const WARM_UP_MODEL =
  'CAg6cQosCgF4EgF5GgRwb29sIgdNYXhQb29sKhUKDGtlcm5lbF9zaGFwZUICAQGgAQcSB3dhcm0tdXBaGwoBeBIWChQIARIQCgIIAQoCCAEKAggCCgIIAmIbCgF5EhYKFAgBEhAKAggBCgIIAQoCCAIKAggCQgIQDQ==';

/** The warm-up model's bytes. */
export function warmUpModel(): Uint8Array {
  return Uint8Array.from(atob(WARM_UP_MODEL), (c) => c.charCodeAt(0));
}

/** Opens, runs and closes the tiny model on WASM; resolves when onnxruntime is ready for the real one. */
export async function warmUpRuntime(ort: OrtModule): Promise<void> {
  const session = await ort.InferenceSession.create(warmUpModel(), { executionProviders: ['wasm'] });
  try {
    const x = new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2]);
    (await session.run({ x })).y.dispose();
  } finally {
    await session.release();
  }
}

/**
 * The runtime's warm-up as the engine waits for it. Where `threads` > 1 it fails with
 * ThreadsFailedError as soon as one of onnxruntime's thread workers fails to load
 * (`threadsFailed`, thread-workers.ts), or when they have neither started nor failed within
 * `limitMs`: onnxruntime waits for its threads with no time limit, so without one a thread
 * worker that never answers would leave the first photo waiting forever. Any other failure
 * is not fatal here: opening the model reports its own.
 */
export function warmUpWithin(warmUp: Promise<void>, threads: number, threadsFailed: Promise<never>, limitMs = THREADS_START_MS): Promise<void> {
  const limited = threads > 1 ? withinTime(warmUp, limitMs, 'starting the WebAssembly threads') : warmUp;
  return Promise.race([limited, threadsFailed]).catch((err) => {
    if (err instanceof ThreadsFailedError) throw err;
    if (err instanceof TimeLimitError) throw new ThreadsFailedError(err.message);
  });
}
