/** /api/auth: sign-up, sign-in, sign-out. */
import { Hono } from 'hono';
import { clearSessionCookie } from '../auth/cookie.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/password.ts';
import { invalidateSession } from '../auth/session.ts';
import { createUser, getUserByEmail, toProfile } from '../auth/user.ts';
import { servesHttps } from '../config.ts';
import { grantSignupCredits, inTransaction } from '../credits/ledger.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { signIn } from '../middleware/session.ts';
import type { RouteDeps } from './deps.ts';
import { loginSchema, signupSchema } from './schemas.ts';
import { jsonBody, tooManyRequests } from './validate.ts';

/** The auth sub-app. */
export function authRoutes(deps: RouteDeps) {
  const { db, config, limiters } = deps;
  // Verified against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => (dummyHash ??= hashPassword('not-a-real-password', config.scryptLogN));

  return new Hono<AppEnv>()
    .post(
      '/signup',
      async (c, next) => {
        // Counted before validation, so malformed attempts use up the allowance too.
        const limit = limiters.signupPerIp.consume(c.get('ip'));
        if (!limit.allowed) return tooManyRequests(c, limit.retryAfterSeconds);
        await next();
      },
      jsonBody(signupSchema),
      async (c) => {
        const body = c.req.valid('json');
        const problem = checkPasswordPolicy(body.password, body.email);
        if (problem) return c.json(errorBody('invalid', problem), 422);
        const passwordHash = await hashPassword(body.password, config.scryptLogN);
        // The account and its welcome credits are created together or not at all.
        const user = inTransaction(db, () => {
          const created = createUser(db, { email: body.email, passwordHash, displayName: body.displayName ?? null }, deps.now());
          if (created) grantSignupCredits(db, created.id, config.credits.signupCredits, deps.now());
          return created;
        });
        if (!user) return c.json(errorBody('email_taken', 'An account with this email already exists.'), 409);
        signIn(c, deps, user);
        return c.json({ user: toProfile(user) }, 201);
      },
    )
    .post('/login', jsonBody(loginSchema), async (c) => {
      const { email, password } = c.req.valid('json');
      const ip = c.get('ip');
      for (const limit of [limiters.loginFailuresPerEmail.check(email), limiters.loginFailuresPerIp.check(ip)]) {
        if (!limit.allowed) return tooManyRequests(c, limit.retryAfterSeconds);
      }
      const user = getUserByEmail(db, email);
      const valid = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
      if (!user || !valid) {
        limiters.loginFailuresPerEmail.hit(email);
        limiters.loginFailuresPerIp.hit(ip);
        // One message for an unknown email and a wrong password: no account enumeration here.
        return c.json(errorBody('invalid_credentials', 'Wrong email or password.'), 401);
      }
      if (user.bannedAt) return c.json(errorBody('suspended', 'This account is suspended.'), 403);
      limiters.loginFailuresPerEmail.reset(email);
      signIn(c, deps, user);
      return c.json({ user: toProfile(user) }, 200);
    })
    .post('/logout', (c) => {
      const session = c.get('session');
      if (session) invalidateSession(db, session.id);
      clearSessionCookie(c, servesHttps(config, c.req.url));
      return c.body(null, 204);
    });
}
