/** The CLI's model sessions, shared by the photos in flight: one inference at a time. */
import type { InferFn } from '../../web/src/cutout/pipeline.ts';

/** An InferFn that also reports how long its call waited for the one before it. */
export type QueuedInfer = (input: Parameters<InferFn>[0], model: Parameters<InferFn>[1], onWaited: (ms: number) => void) => ReturnType<InferFn>;

/**
 * Runs `infer` calls one after another (each session already uses every core), telling
 * each call how long it waited in line, so a photo's reported time can leave that out.
 */
export function serialized(infer: InferFn, now: () => number = () => performance.now()): QueuedInfer {
  let queue: Promise<unknown> = Promise.resolve();
  return (input, model, onWaited) => {
    const queued = now();
    const run = queue.then(() => {
      onWaited(now() - queued);
      return infer(input, model);
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
