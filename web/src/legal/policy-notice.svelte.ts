/**
 * Material changes to the terms or the privacy policy that the signed-in person has not accepted
 * yet (GET /api/policies/pending). The notice shows them; paid actions are refused by the server
 * until they are accepted, and such a refusal brings the notice back.
 */
import { api, call, type ApiError } from '../account/api.ts';

/** One document to accept, as the server lists it. */
export interface PendingPolicy {
  document: 'terms' | 'privacy';
  title: string;
  version: number;
  effective: string;
  summary: string;
}

class PolicyNotice {
  pending = $state.raw<PendingPolicy[]>([]);
  busy = $state(false);
  error = $state<string | undefined>();

  /** The server's current version of each document: what "I accept" accepts. */
  #current: { terms: number; privacy: number } | undefined;

  /** Asks the server (signed in only); a failure leaves the list as it was. */
  async refresh(): Promise<void> {
    const [pending, current] = await Promise.all([call(api.policies.pending.$get()), call(api.policies.$get())]);
    if (current.ok) this.#current = { terms: current.data.terms.version, privacy: current.data.privacy.version };
    if (pending.ok) this.pending = pending.data.pending;
    else if (pending.error.status === 401) this.pending = [];
  }

  /** Accepts the current versions, those the notice showed; the list empties and paid actions work again. */
  async accept(): Promise<void> {
    if (!this.#current) return;
    this.busy = true;
    this.error = undefined;
    const result = await call(api.policies.accept.$post({ json: this.#current }));
    this.busy = false;
    if (result.ok) this.pending = result.data.pending;
    else this.error = result.error.message;
  }

  /** Called with every failed API call: a paid action refused for want of acceptance shows the notice. */
  noteFailure(error: ApiError): void {
    if (error.code === 'policy_acceptance_required') void this.refresh();
  }

  clear(): void {
    this.pending = [];
  }
}

/** The one notice of the app. */
export const policyNotice = new PolicyNotice();
