/** Addresses of accounts closed because they belonged to a child, kept only as SHA-256 of the lower-cased address. */
import { eq } from 'drizzle-orm';
import { normaliseEmail } from '../auth/user.ts';
import type { Db } from '../db/client.ts';
import { childEmailHashes } from '../db/schema.ts';
import { hashSecret } from '../lib/secrets.ts';

function hashEmail(email: string): Buffer {
  return hashSecret(normaliseEmail(email));
}

/** Remembers the address's hash (once). */
export async function rememberChildEmail(db: Db, email: string, now: Date): Promise<void> {
  await db.insert(childEmailHashes).values({ emailHash: hashEmail(email), createdAt: now }).onConflictDoNothing().run();
}

/** Whether an account with this address was closed as a child's: it may sign up again only with a guardian's consent. */
export async function isChildEmail(db: Db, email: string): Promise<boolean> {
  return await db.select().from(childEmailHashes).where(eq(childEmailHashes.emailHash, hashEmail(email))).get() !== undefined;
}

/** True when the address was closed as a child's and the sign-up did not come with a guardian's consent. */
export async function guardianConsentMissing(db: Db, email: string, age: 'adult' | 'guardian'): Promise<boolean> {
  return age !== 'guardian' && await isChildEmail(db, email);
}
