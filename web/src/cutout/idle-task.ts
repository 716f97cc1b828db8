/**
 * Background work that must not compete with the engine's own (the thread probe at idle
 * time, threads.ts): it starts once the engine has been quiet for a while, and any new
 * activity stops it at once; it runs again at the next quiet time until it reports done.
 */

/** A task run only while nothing else is: `run` resolves true once there is nothing left to do. */
export class IdleTask {
  readonly #quietMs: number;
  readonly #run: (signal: AbortSignal) => Promise<boolean>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: AbortController | undefined;
  #done = false;

  /** `run` starts after `quietMs` of quiet; a batch's photos follow each other within milliseconds. */
  constructor(quietMs: number, run: (signal: AbortSignal) => Promise<boolean>) {
    this.#quietMs = quietMs;
    this.#run = run;
  }

  /** Whether the task has finished for good. */
  get done(): boolean {
    return this.#done;
  }

  /** The engine is quiet from now: runs the task after the quiet time, unless it is done, running, or interrupted first. */
  quiet(): void {
    if (this.#done || this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#start(), this.#quietMs);
  }

  /** The engine has work: stops the task if it runs, and forgets the quiet time so far. */
  busy(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running?.abort();
    this.#running = undefined;
  }

  #start(): void {
    this.#timer = undefined;
    const running = new AbortController();
    this.#running = running;
    void this.#run(running.signal)
      .then((done) => {
        if (done && !running.signal.aborted) this.#done = true;
      }, () => {})
      .finally(() => {
        if (this.#running === running) this.#running = undefined;
      });
  }
}
