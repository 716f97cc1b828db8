/** /api/me: profile (email changes confirmed by mail), password, devices, access log, export and account deletion. */
import { Hono } from 'hono';
import { closeAccount } from '../account/close.ts';
import { exportUserData } from '../account/export.ts';
import { clearSessionCookie } from '../auth/cookie.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/password.ts';
import { sendVerificationMail, startEmailChange } from '../auth/email-flows.ts';
import { deleteEmailTokens } from '../auth/email-tokens.ts';
import { listIdentities, unlinkIdentity } from '../auth/oidc-store.ts';
import { invalidateUserSession, invalidateUserSessions, listUserSessions } from '../auth/session.ts';
import { accountView, accountViewOf, getUserByEmail, setUserPasswordHash, updateUserProfile } from '../auth/user.ts';
import { appOrigin, servesHttps } from '../config.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { listUserAccessLog } from '../logs/access-log.ts';
import { truncateIp } from '../logs/ip.ts';
import { consumeAttempt, rateLimit } from '../middleware/rate-limit.ts';
import { requireUser } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { accountDeletionSchema, passwordAddSchema, passwordChangeSchema, passwordRemoveSchema, profilePatchSchema } from './schemas.ts';
import { jsonBody } from './validate.ts';

/** The account sub-app, mounted at /api/me. */
export function accountRoutes(deps: RouteDeps) {
  const { db, config, limiters } = deps;
  const me = async (user: User) => await accountView(db, user, deps.now());
  // Password changes, additions, removals and account deletion share one allowance per account.
  const passwordAttempts = rateLimit(limiters.passwordChangesPerAccount, 'account');
  return new Hono<AppEnv>()
    // One database read for the whole request: the session's, which brought the pending address along.
    .get('/', (c) => c.json(accountViewOf(requireUser(c).user, c.get('pendingEmail')), 200))
    .patch('/', jsonBody(profilePatchSchema), async (c) => {
      const { user } = requireUser(c);
      const { email, ...rest } = c.req.valid('json');
      const changesEmail = email !== undefined && email !== user.email;
      if (changesEmail) {
        if (await getUserByEmail(db, email)) return c.json(errorBody('email_taken', 'An account with this email already exists.'), 409);
        await consumeAttempt(limiters.mailsPerAccount, user.id);
      }
      const updated = await updateUserProfile(db, user.id, rest);
      if (updated === 'email_taken') return c.json(errorBody('email_taken', 'An account with this email already exists.'), 409);
      // The new address replaces the old one only once its owner opens the link sent to it.
      if (changesEmail) await startEmailChange(deps, updated, email, appOrigin(config, c.req.url));
      return c.json(await me(updated), 200);
    })
    .post('/email-verification', async (c) => {
      const { user } = requireUser(c);
      if (user.emailVerifiedAt !== null) return c.json(errorBody('already_verified', 'This address is already confirmed.'), 409);
      await consumeAttempt(limiters.mailsPerAccount, user.id);
      await sendVerificationMail(deps, user, appOrigin(config, c.req.url));
      return c.json({ sent: true as const }, 202);
    })
    .post('/password', jsonBody(passwordChangeSchema), passwordAttempts, async (c) => {
      const { user, session } = requireUser(c);
      const { currentPassword, newPassword } = c.req.valid('json');
      if (!user.passwordHash || !(await verifyPassword(currentPassword, user.passwordHash))) {
        return c.json(errorBody('wrong_password', 'The current password is wrong.'), 403);
      }
      const problem = checkPasswordPolicy(newPassword, user.email);
      if (problem) return c.json(errorBody('invalid', problem), 422);
      await setUserPasswordHash(db, user.id, await hashPassword(newPassword, config.scryptLogN));
      await deleteEmailTokens(db, user.id, 'password_reset');
      // Whoever knew the old password is signed out everywhere but here.
      await invalidateUserSessions(db, user.id, session.id);
      return c.body(null, 204);
    })
    // A first password for an account made through a provider.
    .put('/password', jsonBody(passwordAddSchema), passwordAttempts, async (c) => {
      const { user } = requireUser(c);
      if (user.passwordHash) return c.json(errorBody('password_exists', 'This account has a password already; change it instead.'), 409);
      const { newPassword } = c.req.valid('json');
      const problem = checkPasswordPolicy(newPassword, user.email);
      if (problem) return c.json(errorBody('invalid', problem), 422);
      await setUserPasswordHash(db, user.id, await hashPassword(newPassword, config.scryptLogN));
      return c.body(null, 204);
    })
    .delete('/password', jsonBody(passwordRemoveSchema), passwordAttempts, async (c) => {
      const { user } = requireUser(c);
      if (!user.passwordHash || !(await verifyPassword(c.req.valid('json').currentPassword, user.passwordHash))) {
        return c.json(errorBody('wrong_password', 'The current password is wrong.'), 403);
      }
      if ((await listIdentities(db, user.id)).length === 0) {
        return c.json(errorBody('last_sign_in_method', 'The password is the only way into this account; link a provider before removing it.'), 409);
      }
      await setUserPasswordHash(db, user.id, null);
      await deleteEmailTokens(db, user.id, 'password_reset');
      return c.body(null, 204);
    })
    // How this person signs in: whether there is a password, and the linked providers.
    .get('/providers', async (c) => {
      const { user } = requireUser(c);
      return c.json(
        {
          hasPassword: user.passwordHash !== null,
          providers: (await listIdentities(db, user.id)).map((i) => ({
            id: i.id,
            name: deps.oidc?.name ?? 'OpenID Connect',
            issuer: i.issuer,
            email: i.email,
            createdAt: i.createdAt.toISOString(),
            lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
          })),
        },
        200,
      );
    })
    .delete('/providers/:id', async (c) => {
      const { user } = requireUser(c);
      const id = c.req.param('id');
      const identities = await listIdentities(db, user.id);
      if (!identities.some((i) => i.id === id)) return c.json(errorBody('not_found', 'No such linked provider.'), 404);
      if (!user.passwordHash && identities.length === 1) {
        return c.json(errorBody('last_sign_in_method', 'This provider is the only way into this account; add a password before unlinking it.'), 409);
      }
      await unlinkIdentity(db, user.id, id);
      return c.body(null, 204);
    })
    .get('/sessions', async (c) => {
      const { user, session: current } = requireUser(c);
      return c.json(
        (await listUserSessions(db, user.id)).map((s) => ({
          id: s.id,
          current: s.id === current.id,
          userAgent: s.userAgent,
          ip: s.ip,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastVerifiedAt.toISOString(),
        })),
        200,
      );
    })
    .delete('/sessions/:id', async (c) => {
      const { user, session } = requireUser(c);
      const id = c.req.param('id');
      if (!await invalidateUserSession(db, user.id, id)) return c.json(errorBody('not_found', 'No such session.'), 404);
      if (id === session.id) clearSessionCookie(c, servesHttps(config, c.req.url));
      return c.body(null, 204);
    })
    .delete('/sessions', async (c) => {
      const { user, session } = requireUser(c);
      await invalidateUserSessions(db, user.id, session.id);
      return c.body(null, 204);
    })
    .get('/access-log', async (c) => c.json(await listUserAccessLog(db, requireUser(c).user.id), 200))
    .get('/export', async (c) => {
      const { user } = requireUser(c);
      const now = deps.now();
      const data = await exportUserData(db, user.id, now);
      const day = now.toISOString().slice(0, 10);
      c.header('Content-Disposition', `attachment; filename="clearcut-my-data-${day}.json"`);
      c.header('Cache-Control', 'no-store');
      return c.json(data, 200);
    })
    .delete('/', jsonBody(accountDeletionSchema), passwordAttempts, async (c) => {
      const { user } = requireUser(c);
      const { password, email } = c.req.valid('json');
      if (user.passwordHash) {
        if (password === undefined || !(await verifyPassword(password, user.passwordHash))) {
          return c.json(errorBody('wrong_password', 'The password is wrong.'), 403);
        }
      } else if (email !== user.email) {
        // Without a password, typing the address again is the deliberate step that stands for it.
        return c.json(errorBody('confirmation_mismatch', "Type this account's email address to confirm."), 403);
      }
      // The same steps as an admin's closing of a child's account (account/close.ts).
      if ((await closeAccount(deps, user.id)) === 'payment_provider') {
        return c.json(errorBody('payment_provider', 'Your membership could not be cancelled with the payment provider, so the account was kept. Try again later.'), 502);
      }
      clearSessionCookie(c, servesHttps(config, c.req.url));
      // This request's own access-log row is treated like the person's other rows: unlinked, IP truncated.
      c.set('user', null);
      c.set('session', null);
      c.set('ip', truncateIp(c.get('ip')));
      return c.body(null, 204);
    });
}
