/** The two short-lived cookies of provider sign-in: the flow in progress and a pending link. HttpOnly, SameSite=Lax. */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { flowTtlMs, pendingLinkTtlMs } from './oidc-store.ts';

// Lax, not Strict: the provider sends the browser back with a top-level GET from its own site.
const flowCookie = { name: 'clearcut_oidc_flow', path: '/api/auth/oidc', maxAgeSeconds: flowTtlMs / 1000 };
// Read by the callback (which sets it), /api/auth/oidc/pending and the password sign-in that completes it.
const linkCookie = { name: 'clearcut_oidc_link', path: '/api/auth', maxAgeSeconds: pendingLinkTtlMs / 1000 };

type CookieSpec = typeof flowCookie;

const set = (spec: CookieSpec) => (c: Context, value: string, secure: boolean) =>
  setCookie(c, spec.name, value, { httpOnly: true, sameSite: 'Lax', secure, path: spec.path, maxAge: spec.maxAgeSeconds });
const read = (spec: CookieSpec) => (c: Context) => getCookie(c, spec.name);
const clear = (spec: CookieSpec) => (c: Context, secure: boolean) =>
  deleteCookie(c, spec.name, { httpOnly: true, sameSite: 'Lax', secure, path: spec.path });

/** The flow cookie: names the stored state, nonce and PKCE verifier of a sign-in in progress. */
export const setFlowCookie = set(flowCookie);
export const readFlowCookie = read(flowCookie);
export const clearFlowCookie = clear(flowCookie);

/** The pending-link cookie: names a provider identity waiting for this browser's next password sign-in. */
export const setLinkCookie = set(linkCookie);
export const readLinkCookie = read(linkCookie);
export const clearLinkCookie = clear(linkCookie);
