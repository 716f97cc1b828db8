/**
 * onnxruntime-web's WASM threads are Web Workers that its emscripten runtime starts from
 * its own script's URL, all at once, and then waits for, with no timeout: one that fails
 * to load leaves every session pending forever.
 *
 * WebKit (WebKitGTK 2.50 with SharedArrayBuffer) routes only some of several nested module
 * workers started together from one URL through the service worker; the others go to the
 * network, so offline they fail to load. With 4 threads (3 thread workers) the page
 * downloaded the model and never opened it. Each thread worker gets its own URL here
 * (`?pthread=N`, which the service worker's precache ignores: vite.config.ts), which
 * WebKit routes through the service worker every time; and a thread worker that still
 * fails is reported instead of waited for, so the engine can start again on one thread.
 */
import { readDeviceSetting, writeDeviceSetting } from './device-settings.ts';
import { ThreadsFailedError } from './errors.ts';

/** The `name` emscripten gives its thread workers. */
const PTHREAD_NAME = 'em-pthread';

let failed: Promise<never> | undefined;

/**
 * Makes this worker's `Worker` give each onnxruntime thread worker its own URL, and returns
 * a promise that rejects with ThreadsFailedError as soon as one of them fails to load
 * (it never resolves). Call before onnxruntime-web starts its threads; once per worker.
 */
export function watchThreadWorkers(): Promise<never> {
  if (failed) return failed;
  let reject!: (err: Error) => void;
  failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => {}); // awaited only by whoever needs the threads
  const Base = globalThis.Worker;
  if (typeof Base !== 'function') return failed;
  let count = 0;
  globalThis.Worker = class extends Base {
    constructor(url: string | URL, options?: WorkerOptions) {
      const isThread = options?.name?.startsWith(PTHREAD_NAME) ?? false;
      const own = new URL(url, self.location.href);
      if (isThread) own.searchParams.set('pthread', String(++count));
      super(isThread ? own : url, options);
      if (isThread) {
        this.addEventListener('error', () => reject(new ThreadsFailedError(`a WebAssembly thread's worker (${own.pathname}) failed to load`)));
      }
    }
  };
  return failed;
}

const KEY = 'wasm-threads-failed';

/** Remembers, for this device and browser, that `threads` WASM threads failed to start (until the browser is updated). */
export async function rememberThreadsFailed(threads: number): Promise<void> {
  await writeDeviceSetting(KEY, { threads, at: new Date().toISOString() });
}

/** How many threads failed to start in this browser before, or undefined when they never did. */
export async function threadsThatFailed(): Promise<number | undefined> {
  return (await readDeviceSetting<{ threads: number }>(KEY))?.threads;
}
