import { describe, expect, it } from 'vitest';
import { isAbortError } from '../../../web/src/cutout/errors.ts';
import { Lookahead, PhotoPipeline, SerialQueue } from '../../../web/src/cutout/schedule.ts';
import { rejection } from '../../support/errors.ts';

/** Lets every promise callback that is ready run (a macrotask comes after all pending microtasks). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type StepName = 'prepare' | 'network' | 'finish';

/**
 * A batch whose steps do nothing until the test ends them: each step logs "step photo" as
 * it starts and waits for `end(step, photo)` (or `fail`), so the test decides the timing.
 */
class Batch {
  readonly pipeline = new PhotoPipeline();
  readonly started: string[] = [];
  readonly #pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();

  /** Queues a photo; resolves with the names of the steps it went through. */
  add(photo: string, signal?: AbortSignal): Promise<string> {
    return this.pipeline.run(signal, {
      prepare: () => this.#step('prepare', photo).then(() => `${photo} prepared`),
      network: (prepared) => this.#step('network', photo).then(() => `${prepared}, cut`),
      finish: (cut) => this.#step('finish', photo).then(() => `${cut}, encoded`),
    });
  }

  async end(step: StepName, photo: string): Promise<void> {
    await settle();
    this.#take(step, photo).resolve();
    await settle();
  }

  async fail(step: StepName, photo: string, err: Error): Promise<void> {
    await settle();
    this.#take(step, photo).reject(err);
    await settle();
  }

  #take(step: StepName, photo: string) {
    const pending = this.#pending.get(`${step} ${photo}`);
    if (!pending) throw new Error(`${step} ${photo} has not started (started: ${this.started.join(', ')})`);
    this.#pending.delete(`${step} ${photo}`);
    return pending;
  }

  #step(step: StepName, photo: string): Promise<void> {
    this.started.push(`${step} ${photo}`);
    return new Promise<void>((resolve, reject) => this.#pending.set(`${step} ${photo}`, { resolve, reject }));
  }
}

/** Runs a photo's three steps to the end, in order. */
async function runThrough(batch: Batch, photo: string): Promise<void> {
  for (const step of ['prepare', 'network', 'finish'] as const) await batch.end(step, photo);
}

describe('PhotoPipeline', () => {
  it("prepares the next photo while this one runs the network, and no photo further ahead", async () => {
    const batch = new Batch();
    const results = ['a', 'b', 'c'].map((p) => batch.add(p));
    await settle();
    expect(batch.started).toEqual(['prepare a']);
    await batch.end('prepare', 'a');
    expect(batch.started).toEqual(['prepare a', 'network a', 'prepare b']);
    await batch.end('prepare', 'b');
    // b waits for the network, prepared: c is not decoded yet.
    expect(batch.started).toEqual(['prepare a', 'network a', 'prepare b']);
    await batch.end('network', 'a');
    // Three steps start at once: a's encode, b's network and c's decode.
    expect(batch.started.slice(3).sort()).toEqual(['finish a', 'network b', 'prepare c']);
    await batch.end('finish', 'a');
    expect(await results[0]).toBe('a prepared, cut, encoded');
    await batch.end('prepare', 'c');
    await batch.end('network', 'b');
    await batch.end('network', 'c');
    await batch.end('finish', 'b');
    await batch.end('finish', 'c');
    expect(await Promise.all(results)).toEqual(['a prepared, cut, encoded', 'b prepared, cut, encoded', 'c prepared, cut, encoded']);
  });

  it('gives results in the order the photos were queued: one finishes only after the one before it', async () => {
    const batch = new Batch();
    const finished: string[] = [];
    const results = ['a', 'b'].map((p) => batch.add(p).then(() => void finished.push(p)));
    await batch.end('prepare', 'a');
    await batch.end('prepare', 'b');
    await batch.end('network', 'a');
    await batch.end('network', 'b');
    // a is still encoding: b, cut out already, waits for it.
    expect(batch.started.filter((s) => s.startsWith('finish'))).toEqual(['finish a']);
    await batch.end('finish', 'a');
    await batch.end('finish', 'b');
    await Promise.all(results);
    expect(finished).toEqual(['a', 'b']);
  });

  it('never starts a photo cancelled while queued, tells its caller at once, and goes on with the next', async () => {
    const batch = new Batch();
    const cancelB = new AbortController();
    const a = batch.add('a');
    const b = batch.add('b', cancelB.signal);
    const c = batch.add('c');
    await settle();
    cancelB.abort();
    expect(isAbortError(await rejection(b))).toBe(true);
    await batch.end('prepare', 'a');
    expect(batch.started).toEqual(['prepare a', 'network a', 'prepare c']);
    await batch.end('network', 'a');
    await batch.end('finish', 'a');
    await runThrough(batch, 'c');
    expect([await a, await c]).toEqual(['a prepared, cut, encoded', 'c prepared, cut, encoded']);
    expect(batch.started.some((s) => s.endsWith(' b'))).toBe(false);
  });

  it.each(['prepare', 'network', 'finish'] as const)('stops a photo cancelled during its %s step: no later step starts, and the next photo goes on', async (step) => {
    const batch = new Batch();
    const cancelA = new AbortController();
    const a = batch.add('a', cancelA.signal);
    const b = batch.add('b');
    await settle();
    for (const s of ['prepare', 'network', 'finish'] as const) {
      if (s === step) break;
      await batch.end(s, 'a');
    }
    cancelA.abort();
    expect(isAbortError(await rejection(a))).toBe(true);
    // The step already running in its worker is left to end (the worker stops it at its next stage): the next photo's same step waits for it.
    await batch.end(step, 'a');
    await runThrough(batch, 'b');
    expect(await b).toBe('b prepared, cut, encoded');
    const order = ['prepare', 'network', 'finish'];
    expect(batch.started.filter((s) => s.endsWith(' a'))).toEqual(order.slice(0, order.indexOf(step) + 1).map((s) => `${s} a`));
  });

  it('fails a broken photo alone, with its own error: the photos around it are cut out', async () => {
    const batch = new Batch();
    const [a, broken, c] = ['a', 'broken', 'c'].map((p) => batch.add(p));
    // Watched before it fails, as the page's job list watches every cut: an unwatched rejection is a test error.
    const brokenOutcome = rejection(broken);
    await batch.end('prepare', 'a');
    await batch.fail('prepare', 'broken', new Error('truncated or corrupt'));
    expect((await brokenOutcome).message).toBe('truncated or corrupt');
    // The broken photo never reached the network, yet the next photo is prepared during a's inference.
    expect(batch.started).toEqual(['prepare a', 'network a', 'prepare broken', 'prepare c']);
    await batch.end('network', 'a');
    await batch.end('finish', 'a');
    await batch.end('prepare', 'c');
    await batch.end('network', 'c');
    await batch.end('finish', 'c');
    expect([await a, await c]).toEqual(['a prepared, cut, encoded', 'c prepared, cut, encoded']);
  });
});

describe('SerialQueue', () => {
  it('runs one call at a time, in order, and waits for a cancelled call to leave before the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let endFirst!: () => void;
    const cancel = new AbortController();
    const first = queue.run(cancel.signal, () => {
      log.push('first');
      return new Promise<void>((resolve) => (endFirst = resolve));
    });
    const second = queue.run(undefined, async () => void log.push('second'));
    await settle();
    cancel.abort();
    expect(isAbortError(await rejection(first))).toBe(true);
    await settle();
    expect(log).toEqual(['first']);
    endFirst();
    await second;
    expect(log).toEqual(['first', 'second']);
  });
});

describe('Lookahead', () => {
  it('makes a turn ready only once every turn before it has passed, whatever order they pass in', async () => {
    const lookahead = new Lookahead();
    const turns = [lookahead.take(), lookahead.take(), lookahead.take()];
    const ready: number[] = [];
    turns.forEach((t, i) => void t.ready.then(() => ready.push(i)));
    await settle();
    expect(ready).toEqual([0]);
    turns[1].pass();
    await settle();
    expect(ready).toEqual([0]);
    turns[0].pass();
    await settle();
    expect(ready).toEqual([0, 1, 2]);
  });
});
