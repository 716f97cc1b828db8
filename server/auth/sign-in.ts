/** Signing a person in: a new session and its cookie, in one step. */
import type { Context } from 'hono';
import { servesHttps, type Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { setSessionCookie } from './cookie.ts';
import { createSession, type SessionOptions } from './session.ts';

/** What reading and starting sessions needs. */
export interface SessionDeps {
  db: Db;
  config: Config;
  sessionOptions: SessionOptions;
}

/** Starts a session for a person who just proved who they are, and sets the cookie. */
export async function signIn(c: Context<AppEnv>, deps: SessionDeps, user: User): Promise<void> {
  const { session, token } = await createSession(
    deps.db,
    user.id,
    { userAgent: c.req.header('user-agent') ?? null, ip: c.get('ip') },
    deps.sessionOptions,
  );
  setSessionCookie(c, token, session.expiresAt, servesHttps(deps.config, c.req.url));
  c.set('user', user);
  c.set('session', session);
}
