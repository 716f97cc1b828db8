/** Cookie sessions in Lucia's single-file design: token `id.secret`, SHA-256(secret) stored, sliding expiry. */
import { and, eq, gt, lte, ne, sql } from 'drizzle-orm';
import { firstRow, type Db } from '../db/client.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { emailTokens, sessions, users, type User } from '../db/schema.ts';
import { generateSecureRandomString, hashSecret, secretMatches } from '../lib/secrets.ts';

/** A session as the rest of the server sees it (never the secret or its hash). */
export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  lastVerifiedAt: Date;
  createdAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * What a valid token resolves to; `refreshed` means the expiry moved and the cookie must be
 * re-sent; `pendingEmail` is the address waiting for confirmation after an email change.
 */
export interface ValidatedSession {
  session: Session;
  user: User;
  pendingEmail: string | null;
  refreshed: boolean;
}

/** Lifetime settings; tests pass a clock. */
export interface SessionOptions {
  ttlMs: number;
  now: () => Date;
}

/** "Last seen" is written at most this often, so validation is usually a read only. */
const activityCheckIntervalMs = 60_000;

/**
 * The one read behind every signed-in request: the session, its user and the address of a
 * pending email change (GET /api/me shows it), by session id. One statement, so GET /api/me reads
 * the database once; the subquery is an index lookup (email_tokens_user_idx).
 */
const sessionWithUser = preparedOnce((db) =>
  preparedQuery(
    db
      .select({
        session: sessions,
        user: users,
        pendingEmail: sql<string | null>`(select ${emailTokens.email} from ${emailTokens} where ${and(
          eq(emailTokens.userId, sessions.userId),
          eq(emailTokens.purpose, 'email_change'),
          gt(emailTokens.expiresAt, sql.placeholder('now')),
        )} limit 1)`,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sql.placeholder('id'))),
    'session_with_user',
  ),
);

function toSession(row: typeof sessions.$inferSelect): Session {
  const { secretHash: _hash, ...rest } = row;
  return rest;
}

/** Creates a session for a user and returns it with the token to put in the cookie. */
export async function createSession(
  db: Db,
  userId: string,
  meta: { userAgent: string | null; ip: string | null },
  options: SessionOptions,
): Promise<{ session: Session; token: string }> {
  const now = options.now();
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  const row = {
    id,
    secretHash: hashSecret(secret),
    userId,
    expiresAt: new Date(now.getTime() + options.ttlMs),
    lastVerifiedAt: now,
    createdAt: now,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ip: meta.ip,
  };
  await db.insert(sessions).values(row).run();
  return { session: toSession(row), token: `${id}.${secret}` };
}

/** Resolves a cookie token to its session and user, or null (malformed, unknown, wrong secret, expired, banned). */
export async function validateSessionToken(db: Db, token: string, options: SessionOptions): Promise<ValidatedSession | null> {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[a-z2-9]{24}$/.test(parts[0]!) || !/^[a-z2-9]{24}$/.test(parts[1]!)) return null;
  const [id, secret] = parts as [string, string];
  const now = options.now();
  const found = firstRow(await sessionWithUser(db).execute({ id, now: now.getTime() }));
  if (!found) return null;
  // Separate id and secret plus a constant-time compare: no timing oracle on the secret.
  if (!secretMatches(secret, found.session.secretHash)) return null;
  if (now.getTime() >= found.session.expiresAt.getTime()) {
    await invalidateSession(db, id);
    return null;
  }
  if (found.user.bannedAt) return null;

  const session = toSession(found.session);
  let refreshed = false;
  // Sliding expiry: once half the lifetime is used, extend it to a full lifetime from now.
  if (session.expiresAt.getTime() - now.getTime() < options.ttlMs / 2) {
    session.expiresAt = new Date(now.getTime() + options.ttlMs);
    refreshed = true;
  }
  if (refreshed || now.getTime() - session.lastVerifiedAt.getTime() >= activityCheckIntervalMs) {
    session.lastVerifiedAt = now;
    await db.update(sessions)
      .set({ expiresAt: session.expiresAt, lastVerifiedAt: now })
      .where(eq(sessions.id, id))
      .run();
  }
  return { session, user: found.user, pendingEmail: found.pendingEmail ?? null, refreshed };
}

/** Ends one session. */
export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/** Ends one of a user's sessions; false when it is not theirs or does not exist. */
export async function invalidateUserSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  return (await db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).run()).changes > 0;
}

/** Ends every session of a user, optionally keeping one (the caller's own). */
export async function invalidateUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  const where = exceptSessionId
    ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId))
    : eq(sessions.userId, userId);
  await db.delete(sessions).where(where).run();
}

/** Deletes sessions whose expiry has passed (validation deletes only the ones still presented); returns how many went. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  return (await db.delete(sessions).where(lte(sessions.expiresAt, now)).run()).changes;
}

/** A user's sessions, most recently seen first. */
export async function listUserSessions(db: Db, userId: string): Promise<Session[]> {
  const rows = await db.select().from(sessions).where(eq(sessions.userId, userId));
  return rows
    .map(toSession)
    .sort((a, b) => b.lastVerifiedAt.getTime() - a.lastVerifiedAt.getTime());
}
