/** What sign-in through an OpenID Connect provider keeps: flows in progress, linked identities, pending links. */
import { and, eq, gt, lt } from 'drizzle-orm';
import { isUniqueViolation, type Db } from '../db/client.ts';
import { oidcFlows, oidcIdentities, oidcPendingLinks, type OidcIdentityRow } from '../db/schema.ts';
import type { PendingAuthorization } from './oidc-client.ts';
import { generateSecureRandomString, hashSecret } from '../lib/secrets.ts';

/** How long the trip to the provider and back may take. */
export const flowTtlMs = 10 * 60_000;
/** How long a pending link waits for the password sign-in that completes it. */
export const pendingLinkTtlMs = 30 * 60_000;

/** Cookie secrets: 32 characters of the session alphabet (160 bits); only their SHA-256 is stored. */
const secretPattern = /^[a-z2-9]{32}$/;

/** The sign-up page's answers carried through a flow: the age choice, given with the terms accepted; null from the sign-in page. */
export type SignupAge = 'adult' | 'guardian' | null;

/** Stores a flow's state, nonce and PKCE verifier (and the sign-up page's age choice); returns the secret for the flow cookie. */
export async function createFlow(db: Db, pending: PendingAuthorization, now: Date, signupAge: SignupAge = null): Promise<string> {
  const secret = generateSecureRandomString(32);
  await db.insert(oidcFlows)
    .values({ secretHash: hashSecret(secret), ...pending, signupAge, expiresAt: new Date(now.getTime() + flowTtlMs), createdAt: now })
    .run();
  return secret;
}

/** Takes a flow out (single use): its checks when the secret names one that has not expired, else null. */
export async function consumeFlow(db: Db, secret: string, now: Date): Promise<(PendingAuthorization & { signupAge: SignupAge }) | null> {
  if (!secretPattern.test(secret)) return null;
  const row = await db
    .delete(oidcFlows)
    .where(and(eq(oidcFlows.secretHash, hashSecret(secret)), gt(oidcFlows.expiresAt, now)))
    .returning()
    .get();
  return row ? { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier, signupAge: row.signupAge } : null;
}

/** The account a provider identity signs in to, if it is linked. */
export async function findIdentity(db: Db, issuer: string, subject: string): Promise<OidcIdentityRow | undefined> {
  return await db
    .select()
    .from(oidcIdentities)
    .where(and(eq(oidcIdentities.issuer, issuer), eq(oidcIdentities.subject, subject)))
    .get();
}

/** Links a provider identity to an account; 'taken' when it is linked already (to anyone) or the account has one from this provider. */
export async function linkIdentity(
  db: Db,
  userId: string,
  identity: { issuer: string; subject: string; email: string },
  now: Date,
): Promise<OidcIdentityRow | 'taken'> {
  try {
    return await db
      .insert(oidcIdentities)
      .values({ id: generateSecureRandomString(), userId, ...identity, createdAt: now, lastUsedAt: now })
      .returning()
      .get();
  } catch (err) {
    if (isUniqueViolation(err)) return 'taken';
    throw err;
  }
}

/** Records a sign-in through an identity, with the address the provider gives now. */
export async function touchIdentity(db: Db, id: string, email: string | null, now: Date): Promise<void> {
  await db.update(oidcIdentities)
    .set(email ? { lastUsedAt: now, email } : { lastUsedAt: now })
    .where(eq(oidcIdentities.id, id))
    .run();
}

/** A person's linked identities, oldest first. */
export async function listIdentities(db: Db, userId: string): Promise<OidcIdentityRow[]> {
  return await db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, userId)).orderBy(oidcIdentities.createdAt).all();
}

/** Unlinks one of a person's identities; false when it is not theirs. */
export async function unlinkIdentity(db: Db, userId: string, id: string): Promise<boolean> {
  return (await db.delete(oidcIdentities).where(and(eq(oidcIdentities.id, id), eq(oidcIdentities.userId, userId))).run()).changes > 0;
}

/** Remembers that this provider identity may be linked to `userId` once the person proves they own it; returns the cookie secret. */
export async function createPendingLink(
  db: Db,
  link: { userId: string; issuer: string; subject: string; email: string },
  now: Date,
): Promise<string> {
  const secret = generateSecureRandomString(32);
  // Each browser keeps its own: a later attempt elsewhere must not cancel this one.
  await db.insert(oidcPendingLinks)
    .values({ secretHash: hashSecret(secret), ...link, expiresAt: new Date(now.getTime() + pendingLinkTtlMs), createdAt: now })
    .run();
  return secret;
}

/** The pending link a cookie secret names, if it has not expired (not used up). */
export async function peekPendingLink(db: Db, secret: string, now: Date) {
  if (!secretPattern.test(secret)) return undefined;
  return await db
    .select()
    .from(oidcPendingLinks)
    .where(and(eq(oidcPendingLinks.secretHash, hashSecret(secret)), gt(oidcPendingLinks.expiresAt, now)))
    .get();
}

/** Takes a pending link out (single use), if it has not expired. */
export async function consumePendingLink(db: Db, secret: string, now: Date) {
  if (!secretPattern.test(secret)) return undefined;
  return await db
    .delete(oidcPendingLinks)
    .where(and(eq(oidcPendingLinks.secretHash, hashSecret(secret)), gt(oidcPendingLinks.expiresAt, now)))
    .returning()
    .get();
}

/** A person's unexpired pending links without the secrets' hashes, for the data export. */
export async function listPendingLinks(db: Db, userId: string, now: Date) {
  return await db
    .select({
      issuer: oidcPendingLinks.issuer,
      subject: oidcPendingLinks.subject,
      email: oidcPendingLinks.email,
      createdAt: oidcPendingLinks.createdAt,
      expiresAt: oidcPendingLinks.expiresAt,
    })
    .from(oidcPendingLinks)
    .where(and(eq(oidcPendingLinks.userId, userId), gt(oidcPendingLinks.expiresAt, now)))
    .all();
}

/** Deletes expired flows and pending links; returns how many of each went. */
export async function purgeExpiredOidc(db: Db, now: Date): Promise<{ flows: number; pendingLinks: number }> {
  return {
    flows: (await db.delete(oidcFlows).where(lt(oidcFlows.expiresAt, now)).run()).changes,
    pendingLinks: (await db.delete(oidcPendingLinks).where(lt(oidcPendingLinks.expiresAt, now)).run()).changes,
  };
}
