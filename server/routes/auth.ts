/** /api/auth: sign-up, sign-in, sign-out, confirming an address, resetting a forgotten password. */
import { Hono } from 'hono';
import { clearSessionCookie } from '../auth/cookie.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/password.ts';
import { confirmEmailToken, sendPasswordReset, sendVerificationMail } from '../auth/email-flows.ts';
import { consumeEmailToken, deleteEmailTokens, peekEmailToken } from '../auth/email-tokens.ts';
import { completePendingLink } from '../auth/oidc-link.ts';
import { invalidateSession, invalidateUserSessions } from '../auth/session.ts';
import { createUser, getUserByEmail, getUserById, markEmailVerified, setUserPasswordHash, accountView } from '../auth/user.ts';
import { appOrigin, servesHttps } from '../config.ts';
import { grantSignupCredits, inTransaction } from '../credits/ledger.ts';
import { recordAcceptances } from '../policies/acceptances.ts';
import { guardianConsentMissing } from '../policies/child-emails.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { signIn } from '../auth/sign-in.ts';
import { rateLimit, tooManyAttempts } from '../middleware/rate-limit.ts';
import type { RouteDeps } from '../deps.ts';
import {
  loginSchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  signupSchema,
  verifyEmailSchema,
} from './schemas.ts';
import { jsonBody } from './validate.ts';

/** Why an address closed as a child's cannot sign up as an adult. */
export const guardianConsentMessage =
  "An account with this address was closed because it belonged to a child. It can be created again only with a parent's or guardian's consent: choose that option.";

/** The auth sub-app. */
export function authRoutes(deps: RouteDeps) {
  const { db, config, limiters } = deps;
  // Verified against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => (dummyHash ??= hashPassword('not-a-real-password', config.scryptLogN));

  return new Hono<AppEnv>()
    // Who is signed in, 200 either way (null when no one is): a signed-out page asking this
    // logs no failed request in the browser's console, as a 401 from /api/me would.
    .get('/session', async (c) => {
      const user = c.get('user');
      return c.json({ user: user ? await accountView(db, user, deps.now()) : null }, 200);
    })
    .post(
      '/signup',
      // Counted before validation, so malformed attempts use up the allowance too.
      rateLimit(limiters.signupPerIp, 'ip'),
      jsonBody(signupSchema),
      async (c) => {
        const body = c.req.valid('json');
        const problem = checkPasswordPolicy(body.password, body.email);
        if (problem) return c.json(errorBody('invalid', problem), 422);
        if (await guardianConsentMissing(db, body.email, body.ageConfirmation)) {
          return c.json(errorBody('guardian_consent_required', guardianConsentMessage), 403);
        }
        const passwordHash = await hashPassword(body.password, config.scryptLogN);
        // The account, its acceptances and its welcome credits are created together or not at all.
        const user = await inTransaction(db, async (tx) => {
          const created = await createUser(
            tx,
            { email: body.email, passwordHash, displayName: body.displayName ?? null, ageConfirmation: body.ageConfirmation },
            deps.now(),
          );
          if (created) {
            await recordAcceptances(tx, created.id, deps.policies, 'signup', deps.now());
            await grantSignupCredits(tx, created.id, config.credits.signupCredits, deps.now());
          }
          return created;
        });
        if (!user) return c.json(errorBody('email_taken', 'An account with this email already exists.'), 409);
        await sendVerificationMail(deps, user, appOrigin(config, c.req.url));
        await signIn(c, deps, user);
        return c.json({ user: await accountView(db, user, deps.now()) }, 201);
      },
    )
    .post('/login', jsonBody(loginSchema), async (c) => {
      const { email, password } = c.req.valid('json');
      const ip = c.get('ip');
      for (const limit of await Promise.all([limiters.loginFailuresPerEmail.check(email), limiters.loginFailuresPerIp.check(ip)])) {
        if (!limit.allowed) throw tooManyAttempts(limit.retryAfterSeconds);
      }
      const user = await getUserByEmail(db, email);
      const valid = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
      // An account without a password answers exactly like a wrong password (after the same work).
      if (!user || !user.passwordHash || !valid) {
        await Promise.all([limiters.loginFailuresPerEmail.hit(email), limiters.loginFailuresPerIp.hit(ip)]);
        // One message for an unknown email and a wrong password: no account enumeration here.
        return c.json(errorBody('invalid_credentials', 'Wrong email or password.'), 401);
      }
      if (user.bannedAt) return c.json(errorBody('suspended', 'This account is suspended.'), 403);
      await limiters.loginFailuresPerEmail.reset(email);
      await signIn(c, deps, user);
      const linkedProvider = await completePendingLink(c, deps, user);
      return c.json({ user: await accountView(db, user, deps.now()), linkedProvider }, 200);
    })
    .post('/logout', async (c) => {
      const session = c.get('session');
      if (session) await invalidateSession(db, session.id);
      clearSessionCookie(c, servesHttps(config, c.req.url));
      return c.body(null, 204);
    })
    // The link in the mail: works without the app (and without being signed in), then shows the account page.
    .get('/verify-email', async (c) => {
      const result = await confirmEmailToken(deps, c.req.query('token') ?? '');
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      if (result === 'invalid') return c.redirect('/account?email=invalid-link', 303);
      if (result === 'email_taken') return c.redirect('/account?email=taken', 303);
      return c.redirect(`/account?email=${result.changed ? 'changed' : 'verified'}`, 303);
    })
    .post('/verify-email', jsonBody(verifyEmailSchema), async (c) => {
      const result = await confirmEmailToken(deps, c.req.valid('json').token);
      if (result === 'invalid') return c.json(errorBody('invalid_token', 'This link is not valid any more: it was used, it expired, or a newer one was sent.'), 400);
      if (result === 'email_taken') return c.json(errorBody('email_taken', 'An account with this email already exists.'), 409);
      return c.json({ user: await accountView(db, result.user, deps.now()), changed: result.changed }, 200);
    })
    .post(
      '/password-reset',
      rateLimit(limiters.resetsPerIp, 'ip'),
      jsonBody(passwordResetRequestSchema),
      async (c) => {
        const { email } = c.req.valid('json');
        const user = await getUserByEmail(db, email);
        // The same answer, as fast, whether or not the address has an account (the mail goes out in the background);
        // past the per-address limit nothing more is sent, and the answer still does not change.
        if (user && !user.bannedAt && (await limiters.resetsPerEmail.consume(user.email)).allowed) {
          await sendPasswordReset(deps, user, appOrigin(config, c.req.url));
        }
        return c.json({ sent: true as const }, 202);
      },
    )
    // Lets the reset page say at once that a link is stale, before the person types a new password.
    .post('/password-reset/check', jsonBody(verifyEmailSchema), async (c) => {
      const row = await peekEmailToken(db, c.req.valid('json').token, 'password_reset', deps.now());
      if (!row) return c.json(errorBody('invalid_token', 'This link is not valid any more: it was used, it expired, or a newer one was sent.'), 400);
      return c.json({ email: row.email }, 200);
    })
    .post('/password-reset/confirm', jsonBody(passwordResetConfirmSchema), async (c) => {
      const { token, password } = c.req.valid('json');
      const invalid = () =>
        c.json(errorBody('invalid_token', 'This link is not valid any more: it was used, it expired, or a newer one was sent.'), 400);
      const pending = await peekEmailToken(db, token, 'password_reset', deps.now());
      const owner = pending ? await getUserById(db, pending.userId) : undefined;
      if (!pending || !owner) return invalid();
      // The token is kept when the password is refused, so the person can try another one.
      const problem = checkPasswordPolicy(password, owner.email);
      if (problem) return c.json(errorBody('invalid', problem), 422);
      const passwordHash = await hashPassword(password, config.scryptLogN);
      const row = await consumeEmailToken(db, token, 'password_reset', deps.now());
      if (!row) return invalid();
      await setUserPasswordHash(db, row.userId, passwordHash);
      // Whoever had a session (or the old password) is out everywhere.
      await invalidateUserSessions(db, row.userId);
      await deleteEmailTokens(db, row.userId, 'password_reset');
      // The link reached this address, which proves the person receives mail there.
      const user = await markEmailVerified(db, row.userId, row.email, deps.now());
      if (!user) return invalid();
      await limiters.loginFailuresPerEmail.reset(user.email);
      if (user.bannedAt) return c.json(errorBody('suspended', 'This account is suspended.'), 403);
      await signIn(c, deps, user);
      return c.json({ user: await accountView(db, user, deps.now()) }, 200);
    });
}
