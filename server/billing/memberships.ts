/**
 * Monthly memberships: each paid period grants the membership's credits exactly once (the
 * ledger key names the membership and the period's start); cancelling keeps the membership
 * until the end of the period already paid for.
 */
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { generateSecureRandomString } from '../lib/secrets.ts';
import { getBalance, grant } from '../credits/ledger.ts';
import { forUpdate, inTransaction } from '../db/transaction.ts';
import { firstRow, type Db } from '../db/client.ts';
import { hourlyLease } from '../db/leases.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { runHourly, type StopHourly } from '../lib/hourly.ts';
import { creditBalances, memberships, users } from '../db/schema.ts';
import { recordRenewalOrder } from './orders.ts';
import type { Product } from './products.ts';

/** A membership row as stored. */
export type MembershipRow = typeof memberships.$inferSelect;

/** The membership as the dashboard shows it. */
export interface MembershipView {
  id: string;
  plan: string;
  /** active: renews; cancelled: ends at currentPeriodEnd; past_due: a renewal payment failed; expired: over. */
  status: MembershipRow['status'];
  provider: string;
  currentPeriodEnd: string;
  /** Whether it will renew at currentPeriodEnd. */
  renews: boolean;
  cancelledAt: string | null;
  createdAt: string;
}

/** The API shape of a membership row. */
export function toMembershipView(row: MembershipRow): MembershipView {
  return {
    id: row.id,
    plan: row.plan,
    status: row.status,
    provider: row.provider,
    currentPeriodEnd: row.currentPeriodEnd.toISOString(),
    renews: row.status === 'active' || row.status === 'past_due',
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** `date` plus `months` calendar months in UTC, the day clamped to the target month's length. */
export function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(y, m, Math.min(date.getUTCDate(), lastDay));
  return result;
}

/** The user's membership that is not over (active, past due, or cancelled but still in its period), if any. */
export async function getCurrentMembership(db: Db, userId: string): Promise<MembershipRow | undefined> {
  const rows = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.status, ['active', 'past_due', 'cancelled'])))
    .orderBy(desc(memberships.createdAt))
    .limit(1);
  return firstRow(rows);
}

/** The user's latest membership of any status (for the dashboard), if any. */
export async function getLatestMembership(db: Db, userId: string): Promise<MembershipRow | undefined> {
  return firstRow(await db.select().from(memberships).where(eq(memberships.userId, userId)).orderBy(desc(memberships.createdAt)).limit(1));
}

/** A membership by its provider reference (Stripe subscription id, or the local order id). */
export async function findMembershipByRef(db: Db, provider: string, providerRef: string): Promise<MembershipRow | undefined> {
  return firstRow(await db.select().from(memberships).where(and(eq(memberships.provider, provider), eq(memberships.providerRef, providerRef))));
}

/** Creates the membership row for a provider reference unless it exists; returns the row. */
export async function ensureMembership(
  db: Db,
  input: { userId: string; plan: string; provider: string; providerRef: string; currentPeriodEnd: Date; now: Date },
): Promise<MembershipRow> {
  return await inTransaction(db, async (tx) => {
    const existing = await findMembershipByRef(tx, input.provider, input.providerRef);
    if (existing) return existing;
    // Two deliveries at once: the unique (provider, provider_ref) index keeps one row, and the other reads it.
    const [row] = await tx
      .insert(memberships)
      .values({
        id: `mem_${generateSecureRandomString(20)}`,
        userId: input.userId,
        plan: input.plan,
        status: 'active',
        provider: input.provider,
        providerRef: input.providerRef,
        currentPeriodEnd: input.currentPeriodEnd,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .onConflictDoNothing()
      .returning();
    return row ?? (await findMembershipByRef(tx, input.provider, input.providerRef))!;
  });
}

/**
 * A paid period: grants the period's credits once (keyed by membership and period start) and
 * moves the period end forward. A cancelled membership stays cancelled; past due becomes active.
 * Returns true when credits were granted now (false for a repeat of the same period).
 */
export async function recordPaidPeriod(
  db: Db,
  membership: MembershipRow,
  input: { periodStart: Date; periodEnd: Date; credits: number; now: Date },
): Promise<boolean> {
  return await inTransaction(db, async (tx) => {
    const row = firstRow(await forUpdate(tx.select().from(memberships).where(eq(memberships.id, membership.id)))) ?? membership;
    // A later period moves the end forward; the period running now is authoritative (it replaces
    // the provisional end set when a Stripe checkout completes before its first invoice arrives).
    const current = input.periodStart <= input.now && input.now < input.periodEnd;
    const end = current || input.periodEnd > row.currentPeriodEnd ? input.periodEnd : row.currentPeriodEnd;
    const status = row.status === 'cancelled' ? 'cancelled' : 'active';
    await tx.update(memberships).set({ status, currentPeriodEnd: end, updatedAt: input.now }).where(eq(memberships.id, row.id));
    if (!row.userId) return false;
    const result = await grant(tx, {
      userId: row.userId,
      amount: input.credits,
      kind: 'membership',
      reference: `membership:${row.id}:${input.periodStart.toISOString().slice(0, 10)}`,
      idempotencyKey: `membership:${row.id}:${input.periodStart.getTime()}`,
      now: input.now,
    });
    return result.ok && !result.replayed;
  });
}

/** Sets a membership's status (and the cancellation time when it becomes cancelled). */
export async function setMembershipStatus(db: Db, membershipId: string, status: MembershipRow['status'], now: Date): Promise<void> {
  const cancelling = status === 'cancelled' || status === 'expired';
  await inTransaction(db, async (tx) => {
    const row = firstRow(await forUpdate(tx.select().from(memberships).where(eq(memberships.id, membershipId))));
    if (!row) return;
    await tx
      .update(memberships)
      .set({ status, updatedAt: now, cancelledAt: cancelling ? (row.cancelledAt ?? now) : null })
      .where(eq(memberships.id, membershipId));
  });
}

/** Updates the end of the current period (as the provider reports it). */
export async function setMembershipPeriodEnd(db: Db, membershipId: string, periodEnd: Date, now: Date): Promise<void> {
  await db.update(memberships).set({ currentPeriodEnd: periodEnd, updatedAt: now }).where(eq(memberships.id, membershipId));
}

const anythingDue = preparedOnce((db) =>
  preparedQuery(
    db
      .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, sql.placeholder('userId')),
        lte(memberships.currentPeriodEnd, sql.placeholder('now')),
        inArray(memberships.status, ['active', 'cancelled']),
      ),
    )
      .limit(1),
    'membership_due',
  ),
);

/**
 * The local provider's clock work (run hourly and before showing a person's credits):
 * cancelled memberships past their period end expire; active local memberships renew for
 * every period that has ended, each renewal an order and one grant. Stripe memberships are
 * driven by Stripe's webhooks instead, except that a cancelled one expires here too.
 */
export async function settleMemberships(db: Db, input: { now: Date; product: Product; userId?: string }): Promise<void> {
  const { now, product } = input;
  // Every balance read comes here: when nothing of this person's is due (nearly always), a
  // prepared read answers and no write transaction is taken.
  if (input.userId !== undefined && !firstRow(await anythingDue(db).execute({ userId: input.userId, now: now.getTime() }))) return;
  // Several instances may settle at once: the rows are locked, and every grant is keyed per period.
  await inTransaction(db, async (tx) => {
    const due = await forUpdate(
      tx
        .select()
      .from(memberships)
      .where(
        and(
          lte(memberships.currentPeriodEnd, now),
          inArray(memberships.status, ['active', 'cancelled']),
            input.userId ? eq(memberships.userId, input.userId) : undefined,
          ),
        ),
    );
    for (const row of due) {
      if (row.status === 'cancelled') {
        await setMembershipStatus(tx, row.id, 'expired', now);
        continue;
      }
      if (row.provider !== 'local') continue;
      let start = row.currentPeriodEnd;
      while (start <= now) {
        const end = addMonths(start, 1);
        await recordRenewalOrder(tx, {
          userId: row.userId,
          product,
          provider: 'local',
          providerRef: `renewal:${row.id}:${start.getTime()}`,
          amount: product.amount,
          currency: product.currency,
          status: 'paid',
          now,
        });
        await recordPaidPeriod(tx, row, { periodStart: start, periodEnd: end, credits: product.credits, now });
        start = end;
      }
    }
  });
}

// GET /api/credits's one read: the balance, and whether a membership of the person's is due.
const balanceAndDue = preparedOnce((db) =>
  preparedQuery(
    db
      .select({
        balance: creditBalances.balance,
        due: sql<boolean | number>`exists (select 1 from ${memberships} where ${and(
          eq(memberships.userId, users.id),
          lte(memberships.currentPeriodEnd, sql.placeholder('now')),
          inArray(memberships.status, ['active', 'cancelled']),
        )})`,
      })
      .from(users)
      .leftJoin(creditBalances, eq(creditBalances.userId, users.id))
      .where(eq(users.id, sql.placeholder('userId'))),
    'balance_and_membership_due',
  ),
);

/**
 * A person's balance as shown, with their memberships settled first: one read when nothing is due
 * (nearly always; the balance with an API key is a hot path), else settling and a second read.
 */
export async function settledBalance(db: Db, input: { now: Date; product: Product; userId: string }): Promise<number> {
  const row = firstRow(await balanceAndDue(db).execute({ userId: input.userId, now: input.now.getTime() }));
  // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
  if (!row?.due) return row?.balance ?? 0;
  await settleMemberships(db, input);
  return await getBalance(db, input.userId);
}

/** Settles every membership now and then hourly, on the one instance holding the hour's lease; returns a function that stops the timer. */
export function startMembershipSettling(db: Db, product: Product, now: () => Date = () => new Date(), holder?: string): StopHourly {
  return runHourly('settling memberships', () => settleMemberships(db, { now: now(), product }), hourlyLease(db, 'settling memberships', now, holder));
}
