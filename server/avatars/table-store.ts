/** Avatars as rows of the `avatars` table: what every instance on one PostgreSQL database reads. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { avatars } from '../db/schema.ts';
import { generateSecureRandomString } from '../lib/secrets.ts';
import { avatarKeyPattern, type AvatarStore } from './store.ts';

/** The avatar store over the database. */
export function avatarTable(db: Db): AvatarStore {
  return {
    async save(webp) {
      const key = generateSecureRandomString();
      await db.insert(avatars).values({ key, webp }).run();
      return key;
    },
    async read(key) {
      if (!avatarKeyPattern.test(key)) return null;
      return (await db.select({ webp: avatars.webp }).from(avatars).where(eq(avatars.key, key)).get())?.webp ?? null;
    },
    async remove(key) {
      if (key) await db.delete(avatars).where(eq(avatars.key, key)).run();
    },
  };
}
