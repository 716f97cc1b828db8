/** What admins see of accounts: a search, and one account's profile, credits, orders, sign-ins and flags. */
import { count, desc, eq, or, sql } from 'drizzle-orm';
import { toProfile } from '../auth/user.ts';
import { toMembershipView, getLatestMembership } from '../billing/memberships.ts';
import { listUserOrders, toOrderView } from '../billing/orders.ts';
import { getBalance, listLedger } from '../credits/ledger.ts';
import type { Db } from '../db/client.ts';
import { apiKeys, oidcIdentities, sessions, users, type User } from '../db/schema.ts';

/** One line of the search results. */
export function toAccountSummary(user: User) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    banned: user.bannedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Accounts whose address contains `query` (or whose id is it), newest first; the newest 50 for an empty query. */
export async function searchAccounts(db: Db, query: string) {
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  // ESCAPE names the backslash: SQLite's LIKE has no escape character without it ('_' in an address matched nothing).
  const where = query ? or(eq(users.id, query), sql`${users.email} like ${pattern} escape '\\'`) : undefined;
  return (await db.select().from(users).where(where).orderBy(desc(users.createdAt)).limit(50).all()).map(toAccountSummary);
}

/** Everything the admin page shows about one account, or undefined. */
export async function accountDetail(db: Db, userId: string, now: Date) {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return undefined;
  const countOf = async (table: typeof sessions | typeof apiKeys | typeof oidcIdentities) =>
    (await db.select({ n: count() }).from(table).where(eq(table.userId, userId)).get())?.n ?? 0;
  const membership = await getLatestMembership(db, userId);
  return {
    profile: { ...toProfile(user), role: user.role, ageConfirmation: user.ageConfirmation },
    flags: {
      admin: user.role === 'admin',
      banned: user.bannedAt !== null,
      bannedAt: user.bannedAt?.toISOString() ?? null,
      emailVerified: user.emailVerifiedAt !== null,
      hasPassword: user.passwordHash !== null,
      linkedProviders: await countOf(oidcIdentities),
      apiKeys: await countOf(apiKeys),
      ageConfirmation: user.ageConfirmation,
    },
    balance: await getBalance(db, userId),
    ledger: (await listLedger(db, userId, { limit: 50 })).entries,
    orders: (await listUserOrders(db, userId)).map(toOrderView),
    membership: membership ? toMembershipView(membership) : null,
    sessionsCount: await countOf(sessions),
    checkedAt: now.toISOString(),
  };
}
