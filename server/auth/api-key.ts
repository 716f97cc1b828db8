/**
 * API keys for scripts and the `clearcut` CLI. A key is `cc_<prefix>_<secret>`: the prefix is
 * stored as-is to find the row and to show in lists; only SHA-256 of the secret is kept,
 * compared in constant time (the session design, applied to keys).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedOnce } from '../db/prepared.ts';
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

/** The read behind every API-key request: the key and its owner, by prefix. */
const keyWithOwner = preparedOnce((db) =>
  db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.prefix, sql.placeholder('prefix')))
    .prepare(),
);
const touchKey = preparedOnce((db) => db.$client.prepare('update api_keys set last_used_at = @now where id = @id'));

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
export function createApiKey(db: Db, userId: string, name: string, now: Date): { apiKey: ApiKeyView; key: string } | null {
  return db.$client
    .transaction(() => {
      const active = db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).all();
      if (active.length >= maxActiveApiKeys) return null;
      const prefix = `cc_${generateSecureRandomString(12)}`;
      const secret = generateSecureRandomString(32);
      const row = db
        .insert(apiKeys)
        .values({ id: `key_${generateSecureRandomString(20)}`, userId, name, prefix, secretHash: hashSecret(secret), createdAt: now })
        .returning()
        .get();
      return { apiKey: toView(row), key: `${prefix}_${secret}` };
    })
    .immediate();
}

/** A person's keys, newest first, revoked ones included (marked). */
export function listApiKeys(db: Db, userId: string): ApiKeyView[] {
  return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all().map(toView);
}

/** Revokes one of a person's keys; false when it is not theirs or does not exist. Revoking twice is fine. */
export function revokeApiKey(db: Db, userId: string, keyId: string, now: Date): boolean {
  const row = db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).get();
  if (!row) return false;
  if (!row.revokedAt) db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, keyId)).run();
  return true;
}

/** Resolves a presented key to its owner, recording the use; null when malformed, unknown, wrong or revoked. */
export function validateApiKey(db: Db, key: string, now: Date): { keyId: string; prefix: string; user: User } | null {
  const match = keyPattern.exec(key);
  if (!match) return null;
  const [, prefix, secret] = match as unknown as [string, string, string];
  const found = keyWithOwner(db).get({ prefix });
  if (!found) return null;
  if (!secretMatches(secret, found.key.secretHash)) return null;
  if (found.key.revokedAt) return null;
  touchKey(db).run({ id: found.key.id, now: now.getTime() });
  return { keyId: found.key.id, prefix, user: found.user };
}
