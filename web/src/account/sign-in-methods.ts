/** How the person signs in: whether the account has a password, and the linked providers. */
import { api, call, type Result } from './api.ts';
import type { InferResponseType } from 'hono/client';

/** `GET /api/me/providers`. */
export type SignInMethods = InferResponseType<typeof api.me.providers.$get, 200>;

/** Reads the methods from the server. */
export function loadSignInMethods(): Promise<Result<SignInMethods>> {
  return call(api.me.providers.$get());
}

/** What `/account?oidc=…` (after the provider sent the browser back) means; `{name}` is the provider. */
export const accountProviderOutcomes: Record<string, string> = {
  welcome: 'Welcome! Your account was created with {name}; your email address is confirmed.',
  linked: '{name} is now linked: "Continue with {name}" signs you in from now on.',
  'link-taken': 'Another {name} account is linked already; unlink it first to link a different one.',
  'linked-elsewhere': 'That {name} account signs in to another clearcut account, so it was not linked to this one.',
};

/** The sentence for `?oidc=` in the account page's query string, or undefined. */
export function accountProviderOutcome(search: string, name: string): string | undefined {
  const outcome = new URLSearchParams(search).get('oidc');
  return outcome ? accountProviderOutcomes[outcome]?.replaceAll('{name}', name) : undefined;
}
