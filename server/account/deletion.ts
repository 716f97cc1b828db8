/** Account deletion exactly as DESIGN.md says: erase the person, keep accounting records unlinked. */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { inTransaction } from '../db/transaction.ts';
import { accessLogs, apiKeys, creditLedger, emailTokens, memberships, oidcIdentities, oidcPendingLinks, orders, sessions, users } from '../db/schema.ts';
import { flushAccessLog } from '../logs/access-log-buffer.ts';
import { truncateIp } from '../logs/ip.ts';

/**
 * In one transaction: access-log rows are unlinked with their IPs truncated; ledger rows,
 * orders and memberships are unlinked and kept; sessions, API keys, pending mailed links, linked
 * providers and pending provider links, the
 * balance row and the user row are erased; with the user row go its policy acceptances (ON DELETE
 * CASCADE) and its support requests are unlinked (ON DELETE SET NULL). Returns the avatar key so the
 * caller can remove the file.
 */
export async function deleteAccount(db: Db, userId: string): Promise<{ avatarKey: string | null } | null> {
  // The person's rows still waiting in memory are unlinked with the others.
  await flushAccessLog(db);
  return await inTransaction(db, async (tx) => {
    const user = await tx.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.id, userId)).get();
    if (!user) return null;
    const ips = await tx
      .selectDistinct({ ip: accessLogs.ip })
      .from(accessLogs)
      .where(eq(accessLogs.userId, userId))
      .all();
    for (const { ip } of ips) {
      await tx.update(accessLogs)
        .set({ ip: truncateIp(ip), userId: null })
        .where(and(eq(accessLogs.userId, userId), eq(accessLogs.ip, ip)))
        .run();
    }
    await tx.update(creditLedger).set({ userId: null }).where(eq(creditLedger.userId, userId)).run();
    await tx.update(orders).set({ userId: null }).where(eq(orders.userId, userId)).run();
    await tx.update(memberships).set({ userId: null }).where(eq(memberships.userId, userId)).run();
    await tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    await tx.delete(apiKeys).where(eq(apiKeys.userId, userId)).run();
    await tx.delete(emailTokens).where(eq(emailTokens.userId, userId)).run();
    await tx.delete(oidcIdentities).where(eq(oidcIdentities.userId, userId)).run();
    await tx.delete(oidcPendingLinks).where(eq(oidcPendingLinks.userId, userId)).run();
    // credit_balances goes with the user row (ON DELETE CASCADE): a balance without a person means nothing.
    await tx.delete(users).where(eq(users.id, userId)).run();
    return { avatarKey: user.avatarKey };
  });
}
