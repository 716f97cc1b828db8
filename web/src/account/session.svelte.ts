/**
 * Who is signed in: the profile from `GET /api/auth/session`, kept in one place so the header and the
 * account pages agree. The session itself is an HttpOnly cookie this code never sees.
 */
import { policyNotice } from '../legal/policy-notice.svelte.ts';
import { api, call, type ApiError, type Profile, type Result } from './api.ts';

/** 'unknown' until the first answer (or when the server cannot be reached: offline, the tool still works). */
export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

export class Session {
  user = $state.raw<Profile | null>(null);
  status = $state<SessionStatus>('unknown');
  /** A message for one page, e.g. "Your account was deleted." on '/'; the header shows it there. */
  notice = $state.raw<{ text: string; path: string } | undefined>();

  /** False when the last attempt to ask the server failed (offline, server down). */
  reachable = $state(true);

  /** Asks who is signed in now, and again whenever the browser comes back online; returns the stop function. */
  start(): () => void {
    void this.refresh();
    const online = () => void this.refresh();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }

  /** Asks the server who is signed in; a network failure leaves the state as it was. */
  async refresh(): Promise<void> {
    const result = await call(api.auth.session.$get());
    this.reachable = result.ok || result.error.code !== 'network';
    if (result.ok) this.#set(result.data.user);
  }

  /**
   * Signs in; on success the header shows the person at once. `linkedProvider` names the provider
   * this sign-in linked (a pending link from "Continue with ..." in this browser), or is null.
   */
  async signIn(email: string, password: string): Promise<Result<{ user: Profile; linkedProvider: string | null }>> {
    const result = await call(api.auth.login.$post({ json: { email, password } }));
    if (!result.ok) return result;
    this.#set(result.data.user);
    return { ok: true, data: { user: result.data.user, linkedProvider: result.data.linkedProvider } };
  }

  /** Creates the account and signs in. */
  async signUp(email: string, password: string, displayName: string, ageConfirmation: 'adult' | 'guardian'): Promise<Result<Profile>> {
    const answers = { email, password, ageConfirmation, acceptPolicies: true as const };
    const json = displayName.trim() ? { ...answers, displayName } : answers;
    return this.#adopt(await call(api.auth.signup.$post({ json })));
  }

  /** Signs this device out; the cookie is cleared by the server. */
  async signOut(): Promise<Result<null>> {
    const result = await call(api.auth.logout.$post());
    if (result.ok) this.#set(null);
    return result;
  }

  /** Replaces the profile after a change made elsewhere (PATCH /api/me, avatar). */
  update(profile: Profile): void {
    this.#set(profile);
  }

  /** Forgets the person locally: after account deletion, or when the server says this session has ended. */
  clear(): void {
    this.#set(null);
  }

  /** After any failed call: a 401 means this session has ended (elsewhere, or it expired), so forget the person. */
  noteFailure(error: ApiError): void {
    // A paid action refused for a material change not yet accepted: the notice comes back.
    policyNotice.noteFailure(error);
    if (error.status !== 401 || !this.user) return;
    this.announce('Your session has ended. Please sign in again.', '/signin');
    this.clear();
  }

  /** Shows `text` on the page at `path` (until the person goes elsewhere). */
  announce(text: string, path: string): void {
    this.notice = { text, path };
  }

  #adopt(result: Result<{ user: Profile }>): Result<Profile> {
    if (!result.ok) return result;
    this.#set(result.data.user);
    return { ok: true, data: result.data.user };
  }

  #set(user: Profile | null): void {
    this.user = user;
    this.status = user ? 'signed-in' : 'signed-out';
  }
}

/** The app's one session state. */
export const session = new Session();
