/** Single-use tokens sent by mail: random, stored only as SHA-256, expiring, consumed at most once. */
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { firstRow, type Db } from '../db/client.ts';
import { inTransaction } from '../db/transaction.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { emailTokens, type EmailTokenRow } from '../db/schema.ts';
import { generateSecureRandomString, hashSecret } from '../lib/secrets.ts';

/** What a token lets its holder do. */
export type EmailTokenPurpose = EmailTokenRow['purpose'];

/** How long each kind of link works. */
export const emailTokenTtlMs: Record<EmailTokenPurpose, number> = {
  verify: 48 * 3_600_000,
  email_change: 24 * 3_600_000,
  password_reset: 3_600_000,
};

/** 32 characters of the session alphabet: 160 bits. */
const tokenPattern = /^[a-z2-9]{32}$/;

/**
 * Creates a token for one purpose and returns it (to put in a link). Earlier tokens of the same
 * purpose for that person stop working, so only the newest link counts.
 */
export async function createEmailToken(db: Db, userId: string, purpose: EmailTokenPurpose, email: string, now: Date): Promise<string> {
  const token = generateSecureRandomString(32);
  await inTransaction(db, async (tx) => {
    await tx.delete(emailTokens).where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose))).run();
    await tx.insert(emailTokens)
      .values({
        tokenHash: hashSecret(token),
        userId,
        purpose,
        email,
        expiresAt: new Date(now.getTime() + emailTokenTtlMs[purpose]),
        createdAt: now,
      })
      .run();
  });
  return token;
}

/**
 * Consumes a token: deletes it and returns its row when it exists, has this purpose and has not
 * expired; null otherwise (malformed, unknown, used, expired, or meant for something else).
 * The lookup is by hash of a 160-bit secret, so it leaks nothing useful through timing.
 */
export async function consumeEmailToken(db: Db, token: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailTokenRow | null> {
  if (!tokenPattern.test(token)) return null;
  const hash = hashSecret(token);
  const row = await db
    .delete(emailTokens)
    .where(and(eq(emailTokens.tokenHash, hash), eq(emailTokens.purpose, purpose), gt(emailTokens.expiresAt, now)))
    .returning()
    .get();
  return row ?? null;
}

/** Looks at a token without using it (the reset page asks whether its link still works). */
export async function peekEmailToken(db: Db, token: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailTokenRow | null> {
  if (!tokenPattern.test(token)) return null;
  const row = await db
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, hashSecret(token)), eq(emailTokens.purpose, purpose), gt(emailTokens.expiresAt, now)))
    .get();
  return row ?? null;
}

/** Removes a person's tokens of one purpose (a password set another way ends pending resets). */
export async function deleteEmailTokens(db: Db, userId: string, purpose: EmailTokenPurpose): Promise<void> {
  await db.delete(emailTokens).where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose))).run();
}

// Read by every GET /api/me, so prepared once.
const pendingChange = preparedOnce((db) =>
  preparedQuery(
    db
      .select({ email: emailTokens.email, expiresAt: emailTokens.expiresAt })
      .from(emailTokens)
      .where(and(eq(emailTokens.userId, sql.placeholder('userId')), eq(emailTokens.purpose, 'email_change'), gt(emailTokens.expiresAt, sql.placeholder('now')))),
    'pending_email_change',
  ),
);

/** The address waiting for confirmation after an email change, if any. */
export async function pendingEmailChange(db: Db, userId: string, now: Date): Promise<{ email: string; expiresAt: Date } | null> {
  return firstRow(await pendingChange(db).execute({ userId, now: now.getTime() })) ?? null;
}

/** A person's unexpired tokens without the hashes, for the data export. */
export async function listPendingEmailTokens(db: Db, userId: string, now: Date) {
  return await db
    .select({ purpose: emailTokens.purpose, email: emailTokens.email, createdAt: emailTokens.createdAt, expiresAt: emailTokens.expiresAt })
    .from(emailTokens)
    .where(and(eq(emailTokens.userId, userId), gt(emailTokens.expiresAt, now)))
    .all();
}

/** Deletes expired tokens; returns how many went. */
export async function purgeExpiredEmailTokens(db: Db, now: Date): Promise<number> {
  return (await db.delete(emailTokens).where(lt(emailTokens.expiresAt, now)).run()).changes;
}
