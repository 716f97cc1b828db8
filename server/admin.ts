/** Administration: roles, bans, credit adjustments and visit counts. Used by admin-cli.ts (`npm run admin`), whose actions are audited like the console's. */
import { eq } from 'drizzle-orm';
import { generateSecureRandomString } from './lib/secrets.ts';
import { getOrder, markOrderRefunded } from './billing/orders.ts';
import { getUserByEmail } from './auth/user.ts';
import { applyChange } from './credits/ledger.ts';
import type { Db } from './db/client.ts';
import { inTransaction } from './db/transaction.ts';
import { sessions, users } from './db/schema.ts';
import { dailyVisits } from './logs/daily-visits.ts';
import { commandLineAdmin, writeAudit } from './admin/audit.ts';

/** Expected failures are values: the account was not found. */
export type AdminResult = { ok: true; message: string } | { ok: false; message: string };

async function findUser(db: Db, email: string) {
  return await getUserByEmail(db, email);
}

/** Suspends an account by id: every session ends now and sign-in answers `suspended`. */
export async function suspendAccount(db: Db, userId: string, now: Date): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.update(users).set({ bannedAt: now }).where(eq(users.id, userId)).run();
    await tx.delete(sessions).where(eq(sessions.userId, userId)).run();
  });
}

/** Lifts an account's suspension by id. */
export async function liftSuspension(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ bannedAt: null }).where(eq(users.id, userId)).run();
}

/** An `adjust` ledger row of `delta` credits with `reference` (the reason, and who gave it); refused past the balance. */
export async function adjustBalance(db: Db, userId: string, delta: number, reference: string, now: Date) {
  return await applyChange(db, {
    userId,
    delta,
    kind: 'adjust',
    reference: reference.slice(0, 300),
    idempotencyKey: `adjust:${generateSecureRandomString()}`,
    now,
  });
}

/** Refunds a paid order of the local provider (Stripe's are refunded in Stripe, whose webhook does the same). */
export async function refundLocalOrder(db: Db, orderId: string, now: Date) {
  const order = await getOrder(db, orderId);
  if (!order) return 'not_found' as const;
  if (order.provider !== 'local') return 'not_local' as const;
  return await markOrderRefunded(db, orderId, now) ?? ('not_paid' as const);
}

/** Gives an account the admin role. */
export async function makeAdmin(db: Db, email: string, now: Date = new Date()): Promise<AdminResult> {
  const user = await findUser(db, email);
  if (!user) return { ok: false, message: `No account with email ${email}.` };
  await db.update(users).set({ role: 'admin' }).where(eq(users.id, user.id)).run();
  await writeAudit(db, { admin: commandLineAdmin(), action: 'make_admin', target: user.id }, now);
  return { ok: true, message: `${user.email} is now an admin.` };
}

/** Suspends an account: every session ends now and sign-in answers `suspended`. */
export async function banUser(db: Db, email: string, now: Date = new Date()): Promise<AdminResult> {
  const user = await findUser(db, email);
  if (!user) return { ok: false, message: `No account with email ${email}.` };
  await suspendAccount(db, user.id, now);
  await writeAudit(db, { admin: commandLineAdmin(), action: 'ban', target: user.id }, now);
  return { ok: true, message: `${user.email} is suspended and signed out everywhere.` };
}

/** Lifts a suspension. */
export async function unbanUser(db: Db, email: string, now: Date = new Date()): Promise<AdminResult> {
  const user = await findUser(db, email);
  if (!user) return { ok: false, message: `No account with email ${email}.` };
  await liftSuspension(db, user.id);
  await writeAudit(db, { admin: commandLineAdmin(), action: 'unban', target: user.id }, now);
  return { ok: true, message: `${user.email} may sign in again.` };
}

/** Daily requests and distinct visitors as a printable table. */
export async function formatDailyVisits(db: Db, days: number, now: Date = new Date()): Promise<string> {
  const rows = await dailyVisits(db, days, now);
  const lines = ['day         requests  visitors'];
  for (const row of rows) {
    lines.push(`${row.day}  ${String(row.requests).padStart(8)}  ${String(row.visitors).padStart(8)}`);
  }
  if (rows.length === 0) lines.push(`(no requests in the last ${days} days)`);
  return lines.join('\n');
}

/**
 * Grants (positive `delta`) or deducts (negative) credits with a reason, as an `adjust` ledger
 * row. A deduction larger than the balance is refused: the balance never goes below zero.
 */
export async function adjustCredits(db: Db, email: string, delta: number, reason: string, now: Date = new Date()): Promise<AdminResult> {
  const user = await findUser(db, email);
  if (!user) return { ok: false, message: `No account with email ${email}.` };
  if (!Number.isSafeInteger(delta) || delta === 0) return { ok: false, message: 'The number of credits must be a whole number above 0.' };
  const cleanReason = reason.trim();
  if (!cleanReason) return { ok: false, message: 'Give a reason; it is kept in the ledger.' };
  const result = await adjustBalance(db, user.id, delta, `admin: ${cleanReason.slice(0, 200)}`, now);
  if (!result.ok) {
    return { ok: false, message: `${user.email} has only ${result.balance} credits; cannot deduct ${-delta}.` };
  }
  await writeAudit(db, { admin: commandLineAdmin(), action: 'adjust_credits', target: user.id, detail: { delta, reason: cleanReason, balance: result.balance } }, now);
  const verb = delta > 0 ? `Granted ${delta}` : `Deducted ${-delta}`;
  return { ok: true, message: `${verb} credits for ${user.email}; balance now ${result.balance}.` };
}

/**
 * Refunds a paid order of the local provider: status refunded, a pack's credits taken back as
 * far as the balance allows. Stripe orders are refunded in Stripe, whose webhook does the same.
 */
export async function refundOrder(db: Db, orderId: string, now: Date = new Date()): Promise<AdminResult> {
  const result = await refundLocalOrder(db, orderId, now);
  if (result === 'not_found') return { ok: false, message: `No order ${orderId}.` };
  if (result === 'not_local') {
    return { ok: false, message: `${orderId} was paid through ${(await getOrder(db, orderId))!.provider}; refund it there (its webhook updates the order).` };
  }
  if (result === 'not_paid') return { ok: false, message: `${orderId} is ${(await getOrder(db, orderId))!.status}, not paid; nothing to refund.` };
  await writeAudit(db, { admin: commandLineAdmin(), action: 'refund_order', target: orderId, detail: { creditsTaken: result.creditsTaken, userId: result.order.userId } }, now);
  return { ok: true, message: `${orderId} refunded; ${result.creditsTaken} credits taken back.` };
}
