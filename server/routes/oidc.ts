/**
 * /api/auth/oidc: sign-in through an OpenID Connect provider (authorization code with PKCE,
 * state and nonce). The browser navigates here, so answers are redirects to PWA pages, not JSON.
 */
import { Hono, type Context } from 'hono';
import { OidcSignInError, type ProviderIdentity } from '../auth/oidc-client.ts';
import { clearFlowCookie, clearLinkCookie, readFlowCookie, readLinkCookie, setFlowCookie, setLinkCookie } from '../auth/oidc-cookies.ts';
import { importPicture } from '../auth/oidc-picture.ts';
import { consumeFlow, createFlow, createPendingLink, findIdentity, linkIdentity, peekPendingLink, touchIdentity } from '../auth/oidc-store.ts';
import { createUser, getUserByEmail, getUserById, markEmailVerified } from '../auth/user.ts';
import { servesHttps } from '../config.ts';
import { grantSignupCredits, inTransaction } from '../credits/ledger.ts';
import { recordAcceptances } from '../policies/acceptances.ts';
import { guardianConsentMissing } from '../policies/child-emails.ts';
import type { SignupAge } from '../auth/oidc-store.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { signIn } from '../auth/sign-in.ts';
import type { RouteDeps } from '../deps.ts';
import { displayNameSchema, oidcStartQuerySchema } from './schemas.ts';

/**
 * What the sign-in page is told after a callback (`/signin?oidc=...`); it has a message for each.
 * The account page gets `welcome` (a new account), `linked`, `link-taken` (one from this provider
 * is linked already) and `linked-elsewhere` (that identity signs in to another account).
 */
export type OidcOutcome = 'cancelled' | 'failed' | 'expired' | 'unavailable' | 'email-unverified' | 'suspended' | 'rate-limited' | 'link-pending';

/**
 * What the sign-up page is told when a provider sign-in would create an account but cannot yet:
 * `consent-needed` (started without the age choice and the terms, e.g. from the sign-in page),
 * `guardian-required` (the address was closed as a child's and "18 or older" was chosen).
 */
export type OidcSignupOutcome = 'consent-needed' | 'guardian-required';

/** The provider sub-app, mounted at /api/auth/oidc. */
export function oidcRoutes(deps: RouteDeps) {
  const { db, config, oidc: rp, limiters } = deps;
  const secure = (c: Context) => servesHttps(config, c.req.url);
  const toSignIn = (c: Context, outcome: OidcOutcome) => c.redirect(`/signin?oidc=${outcome}`, 303);

  /** A provider identity that is not linked yet: a new account, or a pending link to the account with that address. */
  const toSignUp = (c: Context, outcome: OidcSignupOutcome) => c.redirect(`/signup?oidc=${outcome}`, 303);
  const firstSignIn = async (c: Context<AppEnv>, identity: ProviderIdentity, signupAge: SignupAge) => {
    // Only an address the provider has verified may create or claim an account.
    if (!identity.email || !identity.emailVerified) return toSignIn(c, 'email-unverified');
    const existing = await getUserByEmail(db, identity.email);
    if (existing) {
      // Whoever controls this provider account must also prove they own the clearcut account: its password, once.
      const secret = await createPendingLink(db, { userId: existing.id, issuer: identity.issuer, subject: identity.subject, email: identity.email }, deps.now());
      setLinkCookie(c, secret, secure(c));
      return toSignIn(c, 'link-pending');
    }
    // A new account needs the sign-up page's answers, like a password sign-up: the terms accepted and the age choice.
    if (!signupAge) return toSignUp(c, 'consent-needed');
    if (await guardianConsentMissing(db, identity.email, signupAge)) return toSignUp(c, 'guardian-required');
    const limit = await limiters.signupPerIp.consume(c.get('ip'));
    if (!limit.allowed) return toSignIn(c, 'rate-limited');
    const name = displayNameSchema.safeParse(identity.name ?? '');
    const now = deps.now();
    const user = await inTransaction(db, async (tx): Promise<User | null> => {
      const created = await createUser(
        tx,
        { email: identity.email!, passwordHash: null, displayName: name.success ? name.data : null, ageConfirmation: signupAge },
        now,
      );
      if (!created) return null;
      await recordAcceptances(tx, created.id, deps.policies, 'signup', now);
      await grantSignupCredits(tx, created.id, config.credits.signupCredits, now);
      if (await linkIdentity(tx, created.id, { issuer: identity.issuer, subject: identity.subject, email: identity.email! }, now) === 'taken') {
        throw new Error('a new account cannot have a linked identity already');
      }
      return await markEmailVerified(tx, created.id, created.email, now) ?? null;
    });
    // Taken between the lookup and the insert: the next attempt finds the account and offers the link.
    if (!user) return toSignIn(c, 'failed');
    if (identity.picture) {
      const imported = await importPicture(db, deps.avatars, user.id, identity.picture, new URL(config.oidc!.issuer).protocol === 'http:');
      if (!imported) console.warn('[clearcut] the provider picture of a new account was not imported');
    }
    await signIn(c, deps, await getUserById(db, user.id) ?? user);
    return c.redirect('/account?oidc=welcome', 303);
  };

  return new Hono<AppEnv>()
    // The PWA shows "Continue with <name>" only when this says enabled.
    .get('/', (c) => c.json({ enabled: rp !== null, name: rp?.name ?? null }, 200))
    .get('/start', async (c) => {
      if (!rp) return c.json(errorBody('not_found', 'Sign-in through a provider is not configured.'), 404);
      c.header('Cache-Control', 'no-store');
      if (!(await limiters.oidcStartsPerIp.consume(c.get('ip'))).allowed) return toSignIn(c, 'rate-limited');
      let begun;
      try {
        begun = await rp.begin();
      } catch (err) {
        console.warn(`[clearcut] provider sign-in could not start: ${err instanceof Error ? err.message : err}`);
        return toSignIn(c, 'unavailable');
      }
      // From the sign-up page: the age choice counts only together with the terms accepted.
      const query = oidcStartQuerySchema.safeParse(c.req.query());
      const signupAge = query.success && query.data.accept === 'policies' ? (query.data.age ?? null) : null;
      setFlowCookie(c, await createFlow(db, begun.pending, deps.now(), signupAge), secure(c));
      return c.redirect(begun.url.href, 303);
    })
    .get('/callback', async (c) => {
      if (!rp) return c.json(errorBody('not_found', 'Sign-in through a provider is not configured.'), 404);
      c.header('Cache-Control', 'no-store');
      // The code is in the address bar; the next page must not send it on as a Referer.
      c.header('Referrer-Policy', 'no-referrer');
      const secret = readFlowCookie(c);
      clearFlowCookie(c, secure(c));
      // Single use: the row goes now, whatever happens next, so a replayed callback finds nothing.
      const pending = secret ? await consumeFlow(db, secret, deps.now()) : null;
      if (!pending) return toSignIn(c, 'expired');
      let identity: ProviderIdentity;
      try {
        identity = await rp.finish(new URL(c.req.url).search, pending);
      } catch (err) {
        const reason = err instanceof OidcSignInError ? err.reason : 'failed';
        console.warn(`[clearcut] provider sign-in refused: ${err instanceof Error ? err.message : err}`);
        return toSignIn(c, reason);
      }
      const linked = await findIdentity(db, identity.issuer, identity.subject);
      const current = c.get('user');
      // Signed in already: "Link" on the account page. The session proves the account, the provider proves the identity.
      if (current) {
        if (linked) return c.redirect(linked.userId === current.id ? '/account' : '/account?oidc=linked-elsewhere', 303);
        const email = identity.email ?? current.email;
        const added = await linkIdentity(db, current.id, { issuer: identity.issuer, subject: identity.subject, email }, deps.now());
        return c.redirect(added === 'taken' ? '/account?oidc=link-taken' : '/account?oidc=linked', 303);
      }
      if (!linked) return firstSignIn(c, identity, pending.signupAge);
      const user = await getUserById(db, linked.userId);
      if (!user) return toSignIn(c, 'failed');
      if (user.bannedAt) return toSignIn(c, 'suspended');
      await touchIdentity(db, linked.id, identity.emailVerified ? identity.email : null, deps.now());
      await signIn(c, deps, user);
      return c.redirect('/', 303);
    })
    // The sign-in page explains a pending link: which address, which provider.
    .get('/pending', async (c) => {
      const secret = readLinkCookie(c);
      const row = secret ? await peekPendingLink(db, secret, deps.now()) : undefined;
      if (secret && !row) clearLinkCookie(c, secure(c));
      return c.json({ pending: row ? { email: row.email, provider: rp?.name ?? 'your provider', expiresAt: row.expiresAt.toISOString() } : null }, 200);
    });
}
