/**
 * API keys for scripts and the `clearcut` CLI. A key is `cc_<prefix>_<secret>`: the prefix is
 * stored as-is to find the row and to show in lists; only SHA-256 of the secret is kept,
 * compared in constant time (the session design, applied to keys).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { firstRow, sqliteClient, type Db } from '../db/client.ts';
import { isPg } from '../db/pg.ts';
import { forUpdate, inTransaction } from '../db/transaction.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { apiKeys, users, type User } from '../db/schema.ts';
import { generateSecureRandomString, hashSecret, secretMatches } from '../lib/secrets.ts';

/** A key as lists show it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Most keys a person may hold unrevoked at once. */
export const maxActiveApiKeys = 20;

const keyPattern = /^(cc_[a-z2-9]{12})_([a-z2-9]{32})$/;

/** A key's "last used" time is this precise: it is written again only once this much has passed. */
const lastUsedIntervalMs = 60_000;

/** The read behind every API-key request: the key and its owner, by prefix. */
const keyWithOwner = preparedOnce((db) =>
  preparedQuery(
    db
      .select({ key: apiKeys, user: users })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.prefix, sql.placeholder('prefix'))),
    'key_with_owner',
  ),
);
// On SQLite a raw prepared statement: building the update through drizzle cost more than running it.
const touchKeySqlite = preparedOnce((db) => (isPg(db) ? null : sqliteClient(db).prepare('update api_keys set last_used_at = @now where id = @id')));

/** Records that a key was just used. */
async function touchKey(db: Db, id: string, now: Date): Promise<void> {
  const statement = touchKeySqlite(db);
  if (statement) statement.run({ id, now: now.getTime() });
  else await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id)).run();
}

function toView(row: typeof apiKeys.$inferSelect): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. Null past the limit. */
export async function createApiKey(db: Db, userId: string, name: string, now: Date): Promise<{ apiKey: ApiKeyView; key: string } | null> {
  return await inTransaction(db, async (tx) => {
    // The owner's row locked: two creations at once cannot both pass the count.
    await forUpdate(tx.select({ id: users.id }).from(users).where(eq(users.id, userId)));
    const active = await tx.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).all();
    if (active.length >= maxActiveApiKeys) return null;
    const prefix = `cc_${generateSecureRandomString(12)}`;
    const secret = generateSecureRandomString(32);
    const row = await tx
      .insert(apiKeys)
      .values({ id: `key_${generateSecureRandomString(20)}`, userId, name, prefix, secretHash: hashSecret(secret), createdAt: now })
      .returning()
      .get();
    return { apiKey: toView(row), key: `${prefix}_${secret}` };
  });
}

/** A person's keys, newest first, revoked ones included (marked). */
export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(toView);
}

/** Revokes one of a person's keys; false when it is not theirs or does not exist. Revoking twice is fine. */
export async function revokeApiKey(db: Db, userId: string, keyId: string, now: Date): Promise<boolean> {
  const row = await db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).get();
  if (!row) return false;
  if (!row.revokedAt) await db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, keyId)).run();
  return true;
}

/** Resolves a presented key to its owner, recording the use; null when malformed, unknown, wrong or revoked. */
export async function validateApiKey(db: Db, key: string, now: Date): Promise<{ keyId: string; prefix: string; user: User } | null> {
  const match = keyPattern.exec(key);
  if (!match) return null;
  const [, prefix, secret] = match as unknown as [string, string, string];
  const found = firstRow(await keyWithOwner(db).execute({ prefix }));
  if (!found) return null;
  if (!secretMatches(secret, found.key.secretHash)) return null;
  if (found.key.revokedAt) return null;
  // As sessions do: "last used" is written at most once a minute, so a busy key's requests are reads.
  const lastUsed = found.key.lastUsedAt?.getTime();
  if (lastUsed === undefined || now.getTime() - lastUsed >= lastUsedIntervalMs) await touchKey(db, found.key.id, now);
  return { keyId: found.key.id, prefix, user: found.user };
}
