/** Resolves the session cookie on /api requests and gives handlers the signed-in person. */
import type { Context, MiddlewareHandler } from 'hono';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../auth/cookie.ts';
import { validateSessionToken, type Session } from '../auth/session.ts';
import type { SessionDeps } from '../auth/sign-in.ts';
import { servesHttps } from '../config.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

/** Sets `user`, `session` and `pendingEmail` from a valid cookie; clears a cookie that no longer names a session. */
export function loadSession(deps: SessionDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readSessionCookie(c);
    if (token) {
      const secure = servesHttps(deps.config, c.req.url);
      const result = await validateSessionToken(deps.db, token, deps.sessionOptions);
      if (result) {
        c.set('user', result.user);
        c.set('session', result.session);
        c.set('pendingEmail', result.pendingEmail);
        if (result.refreshed) setSessionCookie(c, token, result.session.expiresAt, secure);
      } else {
        clearSessionCookie(c, secure);
      }
    }
    await next();
  };
}

/** The signed-in person and session, or a 401. */
export function requireUser(c: Context<AppEnv>): { user: User; session: Session } {
  const user = c.get('user');
  const session = c.get('session');
  if (!user || !session) throw new ApiError(401, 'unauthorized', 'Sign in first.');
  return { user, session };
}

/** Refuses with 403 `email_unverified` until the signed-in person has confirmed their address. */
export const requireVerifiedEmail: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { user } = requireUser(c);
  if (user.emailVerifiedAt === null) {
    throw new ApiError(403, 'email_unverified', 'Confirm your email address first: open the link we sent you, or send it again from your account page.');
  }
  await next();
};
