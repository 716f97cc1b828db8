/**
 * How the bridge (./bridge.ts) orders work across its workers, apart from the workers
 * themselves: a serial queue per worker, one photo prepared ahead of the network, and
 * `abortable` for cancelling a caller's wait. Plain promises, no Worker, so the order is
 * unit tested in Node.
 */
import { abortError } from './errors.ts';

/** Resolves with `promise`, or rejects with an AbortError as soon as `signal` aborts. */
export function abortable<T>(signal: AbortSignal | undefined, promise: Promise<T>): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Calls run one at a time, in the order they were queued. */
export class SerialQueue {
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs `call` once every call queued before it has settled, even those whose callers
   * were already told they were cancelled (a worker runs one job at a time). Rejects with
   * an AbortError as soon as `signal` aborts; a call still queued then never runs.
   */
  run<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    const running = this.#queue.then(() => {
      if (signal?.aborted) throw abortError();
      return call();
    });
    this.#queue = running.catch(() => {});
    return abortable(signal, running);
  }
}

/** A job's place in the lookahead: wait for `ready`, then `pass()` once the job reaches the network or ends. */
export interface Turn {
  ready: Promise<void>;
  /** Lets the next job start preparing (calling it again does nothing). */
  pass: () => void;
}

/**
 * One photo prepared ahead of the network, not more: turns are taken in queue order, and
 * a turn is ready once every turn before it has passed. A job that passes as its network
 * step starts lets the next photo be decoded during that inference, and a batch of large
 * photos never has more than one of them decoded and waiting.
 */
export class Lookahead {
  #last: Promise<void> = Promise.resolve();

  /** The next turn, in queue order. */
  take(): Turn {
    let pass!: () => void;
    const passed = new Promise<void>((resolve) => (pass = resolve));
    const ready = this.#last;
    this.#last = ready.then(() => passed);
    return { ready, pass };
  }
}

/** The three steps of one photo: each runs on its own queue, and each takes what the one before gave. */
export interface PhotoSteps<P, C, R> {
  /** Decode and preprocess. */
  prepare: () => Promise<P>;
  /** The network and the stages that need its map. */
  network: (prepared: P) => Promise<C>;
  /** Encode. */
  finish: (cut: C) => Promise<R>;
}

/**
 * A batch's photos through three serial queues, overlapped: a photo is prepared once the
 * photo before it has reached the network (or ended), and finished while the photo after
 * it runs the network. Photos enter each queue in the order they were queued, so results
 * come in that order; a cancelled photo never starts its next step, and a failed one lets
 * the next go on.
 */
export class PhotoPipeline {
  readonly #prepare = new SerialQueue();
  readonly #network = new SerialQueue();
  readonly #finish = new SerialQueue();
  readonly #lookahead = new Lookahead();

  /** Queues one photo's steps; resolves with its finished result. */
  async run<P, C, R>(signal: AbortSignal | undefined, steps: PhotoSteps<P, C, R>): Promise<R> {
    const turn = this.#lookahead.take();
    try {
      await abortable(signal, turn.ready);
      const prepared = await this.#prepare.run(signal, steps.prepare);
      const cut = await this.#network.run(signal, () => {
        turn.pass();
        return steps.network(prepared);
      });
      return await this.#finish.run(signal, () => steps.finish(cut));
    } finally {
      turn.pass();
    }
  }
}
