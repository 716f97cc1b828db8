/**
 * Credits on the PWA's side: the signed-in person's balance (the header shows it), whether a
 * full-resolution export can be asked for now and why not, and `chargeExport`, the one place
 * that spends a credit. What is free is decided by `exportDimensions` alone.
 */
import { SvelteSet } from 'svelte/reactivity';
import { api, call, errorOf } from './api.ts';
import type { ExportDimensions } from '../../../common/export-size.ts';
import { session, type Session } from './session.svelte.ts';

/** Why a spend did not happen: no credits left, not signed in, or the server out of reach. */
export type ChargeFailure = 'insufficient' | 'signed-out' | 'offline' | 'refused';

/** A full-resolution export that could not be paid for; `balance` is known for 'insufficient'. */
export class CreditsError extends Error {
  override name = 'CreditsError';
  constructor(
    readonly reason: ChargeFailure,
    message: string,
    readonly balance?: number,
  ) {
    super(message);
  }
}

/** The reasons shown beside a full-resolution choice that cannot be made now. */
export const UNAVAILABLE = {
  'signed-out': 'Sign in to export at full resolution',
  offline: 'Full resolution needs a connection; standard size works offline',
} as const;

export class Credits {
  /** The balance, once known; undefined when signed out or not asked yet. */
  balance = $state<number | undefined>();
  /** The browser's own idea of the connection (`navigator.onLine`), kept current. */
  online = $state(globalThis.navigator?.onLine ?? true);
  readonly #session: Session;
  /** Keys of exports asked for, per job and export settings: a retry of the same export reuses its key. */
  #keys = new WeakMap<object, Map<string, string>>();
  /** Keys whose credit was spent: exporting with one again costs nothing. */
  readonly #paid = new SvelteSet<string>();

  constructor(s: Session) {
    this.#session = s;
  }

  /** Follows the connection and the signed-in person (reading the balance for each); returns the stop function. */
  start(): () => void {
    const update = () => (this.online = navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    // Credits bought in another tab (the export's "Buy credits" opens one, so the photos here stay).
    const visible = () => {
      if (document.visibilityState !== 'visible') return;
      if (!this.#session.reachable) void this.#session.refresh();
      else if (this.#session.user) void this.refresh();
    };
    document.addEventListener('visibilitychange', visible);
    const stopEffects = $effect.root(() => {
      $effect(() => {
        const id = this.#session.user?.id;
        if (id) void this.refresh();
        else this.balance = undefined;
      });
    });
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
      document.removeEventListener('visibilitychange', visible);
      stopEffects();
    };
  }

  /** Asks the server for the balance; failures leave the last known one. */
  async refresh(): Promise<void> {
    const result = await call(api.credits.$get());
    if (result.ok) this.balance = result.data.balance;
    else this.#session.noteFailure(result.error);
  }

  /** Why an export of `dims` cannot be asked for now (signed out, offline), or undefined when it can. */
  unavailable(dims: ExportDimensions): string | undefined {
    if (dims.free) return undefined;
    if (!this.online || !this.#session.reachable) return UNAVAILABLE.offline;
    if (this.#session.status !== 'signed-in') return UNAVAILABLE['signed-out'];
    return undefined;
  }

  /**
   * The idempotency key of one export: made the first time `owner` (a job) is exported with
   * `settings`, and the same for every later attempt with the same settings, so a retry
   * (after a network failure, or downloading the same file again) is never charged twice.
   */
  exportKey(owner: object, settings: string): string {
    let keys = this.#keys.get(owner);
    if (!keys) this.#keys.set(owner, (keys = new Map()));
    let key = keys.get(settings);
    if (!key) keys.set(settings, (key = crypto.randomUUID()));
    return key;
  }

  /** Whether `owner`'s export with `settings` was paid for already, so doing it again is free (reactive). */
  paidFor(owner: object, settings: string): boolean {
    // Read the set before anything else: a key made later must rerun whoever asked.
    const paid = this.#paid.size > 0;
    const key = this.#keys.get(owner)?.get(settings);
    return paid && key !== undefined && this.#paid.has(key);
  }

  /**
   * Pays for an export of `dims` before it is made: nothing for a free one; otherwise one
   * credit spent on the server under `idempotencyKey`. Throws CreditsError when it cannot be paid.
   */
  async chargeExport(dims: ExportDimensions, idempotencyKey: string): Promise<void> {
    if (dims.free) return;
    const reason = this.unavailable(dims);
    if (reason) throw new CreditsError(this.online && this.#session.reachable ? 'signed-out' : 'offline', reason + '.');
    let res;
    try {
      res = await api.credits.spend.$post({ json: { idempotencyKey, width: dims.width, height: dims.height } });
    } catch {
      this.online = navigator.onLine;
      // Is it the server or this request? If the server is out of reach, the choice says so until it answers again.
      void this.#session.refresh();
      throw new CreditsError('offline', 'The server could not be reached to spend a credit, so nothing was charged. Check your connection and try again.');
    }
    if (res.status === 200) {
      this.balance = (await res.json()).balance;
      this.#paid.add(idempotencyKey);
      return;
    }
    if (res.status === 402) {
      const { balance } = await res.json();
      this.balance = balance;
      throw new CreditsError('insufficient', `Not enough credits (balance ${balance}).`, balance);
    }
    const error = await errorOf(res as unknown as Response);
    this.#session.noteFailure(error);
    if (error.status === 401) throw new CreditsError('signed-out', UNAVAILABLE['signed-out'] + '.');
    throw new CreditsError('refused', error.message);
  }
}

/** The app's one credits state. */
export const credits = new Credits(session);
