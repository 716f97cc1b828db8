/** "Download my data": everything the server holds about one person, as one JSON document. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys, creditBalances, creditLedger, memberships, orders, users } from '../db/schema.ts';
import { listPendingEmailTokens } from '../auth/email-tokens.ts';
import { listIdentities, listPendingLinks } from '../auth/oidc-store.ts';
import { listUserSessions } from '../auth/session.ts';
import { toProfile } from '../auth/user.ts';
import { listUserAccessLog } from '../logs/access-log.ts';
import { listAcceptances } from '../policies/acceptances.ts';
import { listUserSupportRequests, toSupportView } from '../support/requests.ts';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Collects the person's profile (with when the email was confirmed and the age choice), policy acceptances, support requests, linked providers and pending links, pending mailed links (never the tokens), sessions, credits, orders, memberships, API keys (no secrets) and access log. */
export async function exportUserData(db: Db, userId: string, now: Date) {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return null;
  return {
    exportedAt: now.toISOString(),
    profile: {
      ...toProfile(user),
      emailVerifiedAt: iso(user.emailVerifiedAt),
      hasPassword: user.passwordHash !== null,
      role: user.role,
      bannedAt: iso(user.bannedAt),
      ageConfirmation: user.ageConfirmation,
    },
    /** Every version of the terms and the privacy policy accepted: at sign-up (`signup`) or after a material change (`notice`). */
    policyAcceptances: await listAcceptances(db, userId),
    linkedProviders: (await listIdentities(db, userId)).map((i) => ({
      issuer: i.issuer,
      subject: i.subject,
      email: i.email,
      createdAt: i.createdAt.toISOString(),
      lastUsedAt: iso(i.lastUsedAt),
    })),
    /** Provider sign-ins waiting for a password sign-in to link them. */
    pendingLinks: (await listPendingLinks(db, userId, now)).map((l) => ({
      issuer: l.issuer,
      subject: l.subject,
      email: l.email,
      createdAt: l.createdAt.toISOString(),
      expiresAt: l.expiresAt.toISOString(),
    })),
    pendingVerifications: (await listPendingEmailTokens(db, userId, now)).map((t) => ({
      purpose: t.purpose,
      email: t.email,
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
    })),
    sessions: (await listUserSessions(db, userId)).map((s) => ({
      id: s.id,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastVerifiedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    })),
    credits: {
      balance: (await db.select().from(creditBalances).where(eq(creditBalances.userId, userId)).get())?.balance ?? 0,
      ledger: (await db
        .select()
        .from(creditLedger)
        .where(eq(creditLedger.userId, userId))
        .orderBy(asc(creditLedger.id))
        .all())
        .map(({ userId: _u, ...row }) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    },
    orders: (await db
      .select()
      .from(orders)
      .where(eq(orders.userId, userId))
      .all())
      .map(({ userId: _u, ...row }) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
        updatedAt: iso(row.updatedAt),
        paidAt: iso(row.paidAt),
      })),
    memberships: (await db
      .select()
      .from(memberships)
      .where(eq(memberships.userId, userId))
      .all())
      .map(({ userId: _u, ...row }) => ({
        ...row,
        currentPeriodEnd: row.currentPeriodEnd.toISOString(),
        createdAt: row.createdAt.toISOString(),
        updatedAt: iso(row.updatedAt),
        cancelledAt: iso(row.cancelledAt),
      })),
    apiKeys: (await db
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        createdAt: apiKeys.createdAt,
        lastUsedAt: apiKeys.lastUsedAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.userId, userId))
      .all())
      .map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) })),
    /** Contact and support requests sent while signed in, with their answers. */
    supportRequests: (await listUserSupportRequests(db, userId)).map((row) => ({ ...toSupportView(row), email: row.email })),
    accessLog: await listUserAccessLog(db, userId, 100_000),
  };
}
