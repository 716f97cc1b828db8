/** Users: lookups, creation, profile changes, and the profile shape the API returns. */
import { and, eq, isNull } from 'drizzle-orm';
import { isUniqueViolation, type Db } from '../db/client.ts';
import { inTransaction } from '../db/transaction.ts';
import { users, type User } from '../db/schema.ts';
import { pendingEmailChange } from './email-tokens.ts';
import { generateSecureRandomString } from '../lib/secrets.ts';

/** What GET /api/me answers. */
export interface Profile {
  id: string;
  email: string;
  displayName: string | null;
  avatarUrl: string | null;
  marketingConsent: boolean;
  /** Whether the person confirmed they receive mail at `email` (buying and API keys wait for it). */
  emailVerified: boolean;
  createdAt: string;
}

/** Emails are compared case-insensitively by storing them trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The public URL of an avatar key. */
export function avatarUrl(key: string | null): string | null {
  return key ? `/api/avatars/${key}` : null;
}

/** The profile JSON for a user row (never the hash, role or ban state). */
export function toProfile(user: User): Profile {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    avatarUrl: avatarUrl(user.avatarKey),
    marketingConsent: user.marketingConsent,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

/**
 * The profile plus the address waiting to be confirmed after an email change, and whether the
 * person is an admin (the PWA offers /admin then; the server checks the role on every admin route):
 * what every route answers about the person to that person.
 */
export async function accountView(db: Db, user: User, now: Date): Promise<AccountView> {
  return accountViewOf(user, (await pendingEmailChange(db, user.id, now))?.email ?? null);
}

/** What every route answers about the person to that person (see accountView). */
export type AccountView = Profile & { pendingEmail: string | null; admin: boolean };

/** accountView when the pending address is already known (GET /api/me has it from the session's read). */
export function accountViewOf(user: User, pendingEmail: string | null): AccountView {
  return { ...toProfile(user), pendingEmail, admin: user.role === 'admin' };
}

/** Finds a user by email (any case), or undefined. */
export async function getUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return await db.select().from(users).where(eq(users.email, normaliseEmail(email))).get();
}

/** Finds a user by id, or undefined. */
export async function getUserById(db: Db, id: string): Promise<User | undefined> {
  return await db.select().from(users).where(eq(users.id, id)).get();
}


/** Creates a user; null when the email is already taken. */
export async function createUser(
  db: Db,
  input: { email: string; passwordHash: string | null; displayName: string | null; ageConfirmation: 'adult' | 'guardian' },
  now: Date,
): Promise<User | null> {
  try {
    return await db
      .insert(users)
      .values({
        id: generateSecureRandomString(),
        email: normaliseEmail(input.email),
        passwordHash: input.passwordHash,
        displayName: input.displayName,
        ageConfirmation: input.ageConfirmation,
        createdAt: now,
      })
      .returning()
      .get();
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

/** Applies a profile change; 'email_taken' when the new email belongs to someone else. */
export async function updateUserProfile(
  db: Db,
  userId: string,
  patch: { displayName?: string | null; email?: string; marketingConsent?: boolean },
): Promise<User | 'email_taken'> {
  const values = { ...patch, ...(patch.email !== undefined ? { email: normaliseEmail(patch.email) } : {}) };
  try {
    if (Object.keys(values).length > 0) await db.update(users).set(values).where(eq(users.id, userId)).run();
  } catch (err) {
    if (isUniqueViolation(err)) return 'email_taken';
    throw err;
  }
  return (await getUserById(db, userId))!;
}

/** Marks the address confirmed, if it is still the account's address; returns the user. */
export async function markEmailVerified(db: Db, userId: string, email: string, now: Date): Promise<User | undefined> {
  await db.update(users)
    .set({ emailVerifiedAt: now })
    .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.emailVerifiedAt)))
    .run();
  return await getUserById(db, userId);
}

/** Replaces the account's address with a confirmed one; 'email_taken' when someone took it meanwhile. */
export async function replaceEmail(db: Db, userId: string, email: string, now: Date): Promise<User | 'email_taken'> {
  try {
    await db.update(users).set({ email: normaliseEmail(email), emailVerifiedAt: now }).where(eq(users.id, userId)).run();
  } catch (err) {
    if (isUniqueViolation(err)) return 'email_taken';
    throw err;
  }
  return (await getUserById(db, userId))!;
}

/** Replaces a user's password hash (null: the account has no password and signs in through a provider). */
export async function setUserPasswordHash(db: Db, userId: string, passwordHash: string | null): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}

/** Points a user at a new avatar (or none); returns the previous key so its file can be removed. */
export async function setUserAvatarKey(db: Db, userId: string, key: string | null): Promise<string | null> {
  return await inTransaction(db, async (tx) => {
    const previous = await tx.select({ key: users.avatarKey }).from(users).where(eq(users.id, userId)).get();
    await tx.update(users).set({ avatarKey: key }).where(eq(users.id, userId)).run();
    return previous?.key ?? null;
  });
}
