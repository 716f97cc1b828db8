/** The OpenID Connect provider the server offers ("Continue with Google"), and what its sign-in redirects mean. */
import { api, call } from './api.ts';

/** `{ enabled, name }` as `GET /api/auth/oidc` answers it. */
export interface ProviderOffer {
  enabled: boolean;
  name: string | null;
}

/** Where the button goes: a full navigation (the server redirects to the provider). */
export const providerStartUrl = '/api/auth/oidc/start';

let offer: Promise<ProviderOffer> | undefined;

/** Asks the server once per page load; an unreachable server offers nothing (and is asked again next time). */
export function providerOffer(): Promise<ProviderOffer> {
  offer ??= call(api.auth.oidc.$get()).then((result) => {
    if (result.ok) return result.data;
    offer = undefined;
    return { enabled: false, name: null };
  });
  return offer;
}

/** What `/signin?oidc=…` (after the provider sent the browser back) means, in words; `{name}` is the provider. */
export const providerOutcomes: Record<string, string> = {
  cancelled: 'Signing in with {name} was cancelled.',
  failed: 'Signing in with {name} did not work: the answer from {name} could not be verified. Please try again.',
  expired: 'Signing in with {name} took too long or was started in another browser. Please try again.',
  unavailable: '{name} could not be reached. Please try again later, or sign in with your password.',
  'email-unverified': '{name} has not confirmed the email address of that account, so it cannot be used here.',
  suspended: 'This account is suspended.',
  // Shown only when the pending link is gone by the time the page asks about it.
  'link-pending': 'The link to {name} is no longer waiting (it lasts 30 minutes). Continue with {name} again to start over.',
  'rate-limited': 'Too many sign-ins or new accounts from this network. Please try again later.',
};

/** What `/signup?oidc=…` means: a provider sign-in that would have created an account without the sign-up page's answers. */
export const providerSignupOutcomes: Record<string, string> = {
  'consent-needed': 'There is no clearcut account for that {name} account yet. To create one, choose your age and accept the terms below, then continue with {name} again.',
  'guardian-required':
    "An account with that address was closed because it belonged to a child. It can be created again only with a parent's or guardian's consent: choose that option below.",
};

/** The sentence for `?oidc=` in a query string, or undefined. */
export function providerOutcome(search: string, name: string): string | undefined {
  const outcome = new URLSearchParams(search).get('oidc');
  const text = outcome ? providerOutcomes[outcome] : undefined;
  return text?.replaceAll('{name}', name);
}
