/**
 * What the engine learns about this device and browser and keeps between visits (the
 * thread count threads.ts measures, threads that failed to start: thread-workers.ts), in
 * one IndexedDB store. Each answer is kept with the browser it was learnt in, and a
 * browser update (a new user agent) learns it again: it may have fixed what failed, or
 * changed what is fastest. Storage is a convenience: where there is none (some private
 * windows), or it never answers, the engine goes on without it.
 */
import { createStore, get, set } from 'idb-keyval';
import { withinTime } from './time-limit.ts';

/** How long a read or write may take before the engine goes on without it. */
const STORAGE_MS = 5_000;

/** What is kept under a key: the answer, and the browser it belongs to. */
export interface Kept<T> {
  value: T;
  userAgent: string;
}

type Store = ReturnType<typeof createStore>;

// One connection for the worker's life (createStore opens the database each time it is called):
// undefined until first asked for; null where there is no IndexedDB, for good.
let opened: Store | null | undefined;

/** The store (opened on first use, by idb-keyval), or null where there is no IndexedDB. */
function store(): Store | null {
  if (opened === undefined) opened = typeof indexedDB === 'undefined' ? null : createStore('clearcut-device', 'settings');
  return opened;
}

/**
 * `call`'s promise, or a rejected one where it throws at once: idb-keyval opens the database
 * on first use, inside the call, and a browser with storage disabled throws there (Firefox's
 * `indexedDB.open` throws SecurityError then).
 */
function attempt<T>(call: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => resolve(call()));
}

/** The kept answer if this browser learnt it; a browser update learns it again. */
export function keptForBrowser<T>(kept: Kept<T> | undefined, userAgent: string): T | undefined {
  return kept && kept.userAgent === userAgent ? kept.value : undefined;
}

/** The value kept under `key` by this browser, or undefined (none, another browser's, or no storage). */
export async function readDeviceSetting<T>(key: string): Promise<T | undefined> {
  const s = store();
  if (!s) return undefined;
  const kept = await withinTime(attempt(() => get<Kept<T>>(key, s)), STORAGE_MS, `reading ${key}`).catch(() => undefined);
  return keptForBrowser(kept, navigator.userAgent);
}

/** Keeps `value` under `key` for this browser; never fails (a value not kept is learnt again next time). */
export async function writeDeviceSetting<T>(key: string, value: T): Promise<void> {
  const s = store();
  if (!s) return;
  await withinTime(attempt(() => set(key, { value, userAgent: navigator.userAgent } satisfies Kept<T>, s)), STORAGE_MS, `keeping ${key}`).catch(() => {});
}
