/**
 * The credit ledger: every change is one append-only row plus the balance row, written in
 * one transaction that first locks the person's balance row, so nothing can interleave between
 * the check and the write (SQLite: transactions run one at a time; PostgreSQL: `FOR UPDATE` on
 * the balance row, which concurrent changes for the same person wait on, then read the
 * committed ledger afresh). The balance never goes below zero: the check is here, and the
 * `CHECK (balance >= 0)` constraints and the unique (user, key) index are the backstop.
 */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { firstRow, type Db } from '../db/client.ts';
import { isPg } from '../db/pg.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { creditBalances, creditLedger } from '../db/schema.ts';
import { forUpdate, inTransaction } from '../db/transaction.ts';

export { inTransaction };

/** Why the balance changed. */
export type LedgerKind = (typeof creditLedger.$inferSelect)['kind'];

/** One ledger row as the API shows it. */
export interface LedgerEntry {
  id: number;
  delta: number;
  kind: LedgerKind;
  reference: string | null;
  balanceAfter: number;
  createdAt: string;
}

/** A change to apply. `idempotencyKey` is unique per user: the same key never applies twice. */
export interface LedgerChange {
  userId: string;
  /** Positive adds credits, negative takes them. */
  delta: number;
  kind: LedgerKind;
  reference: string | null;
  idempotencyKey: string;
  now: Date;
}

/**
 * The outcome: applied now, or `replayed` (a row with this key already existed and is
 * returned unchanged), or refused because the balance would go below zero.
 */
export type LedgerResult =
  | { ok: true; replayed: boolean; entry: LedgerEntry; balance: number }
  | { ok: false; reason: 'insufficient_credits'; balance: number };

function toEntry(row: typeof creditLedger.$inferSelect): LedgerEntry {
  return {
    id: row.id,
    delta: row.delta,
    kind: row.kind,
    reference: row.reference,
    balanceAfter: row.balanceAfter,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The current balance (0 for someone who never had a change). */
export async function getBalance(db: Db, userId: string): Promise<number> {
  return firstRow(await balanceOf(db).execute({ userId }))?.balance ?? 0;
}

const balanceOf = preparedOnce((db) =>
  preparedQuery(
    db.select({ balance: creditBalances.balance }).from(creditBalances).where(eq(creditBalances.userId, sql.placeholder('userId'))),
    'balance_of',
  ),
);

/**
 * The balance, with its row locked until the transaction ends (PostgreSQL). The row is made
 * first if missing, so that two first changes for one person also wait on each other.
 */
async function lockedBalance(tx: Db, userId: string, now: Date): Promise<number> {
  if (!isPg(tx)) return await getBalance(tx, userId);
  await tx.insert(creditBalances).values({ userId, balance: 0, updatedAt: now }).onConflictDoNothing();
  const rows = await forUpdate(tx.select({ balance: creditBalances.balance }).from(creditBalances).where(eq(creditBalances.userId, userId)));
  return rows[0]?.balance ?? 0;
}

/** Applies one change in one transaction: replay by key, check the balance, append the row, set the balance. */
export async function applyChange(db: Db, change: LedgerChange): Promise<LedgerResult> {
  if (!Number.isSafeInteger(change.delta) || change.delta === 0) throw new RangeError(`bad ledger delta ${change.delta}`);
  return await inTransaction(db, async (tx): Promise<LedgerResult> => {
    // The lock first: a concurrent change with the same key has committed by the time it is ours.
    const balance = await lockedBalance(tx, change.userId, change.now);
    const existing = firstRow(
      await tx
        .select()
        .from(creditLedger)
        .where(and(eq(creditLedger.userId, change.userId), eq(creditLedger.idempotencyKey, change.idempotencyKey))),
    );
    if (existing) return { ok: true, replayed: true, entry: toEntry(existing), balance };
    const after = balance + change.delta;
    if (after < 0) return { ok: false, reason: 'insufficient_credits', balance };
    const [row] = await tx
      .insert(creditLedger)
      .values({
        userId: change.userId,
        delta: change.delta,
        kind: change.kind,
        reference: change.reference,
        idempotencyKey: change.idempotencyKey,
        balanceAfter: after,
        createdAt: change.now,
      })
      .returning();
    await tx
      .insert(creditBalances)
      .values({ userId: change.userId, balance: after, updatedAt: change.now })
      .onConflictDoUpdate({ target: creditBalances.userId, set: { balance: after, updatedAt: change.now } });
    return { ok: true, replayed: false, entry: toEntry(row!), balance: after };
  });
}

/** Adds `amount` credits (signup, purchase, membership, refund of a spend, admin adjustment). */
export async function grant(
  db: Db,
  input: { userId: string; amount: number; kind: LedgerKind; reference: string | null; idempotencyKey: string; now: Date },
): Promise<LedgerResult> {
  if (!(input.amount > 0)) throw new RangeError('grant: amount must be positive');
  const { amount, ...rest } = input;
  return await applyChange(db, { ...rest, delta: amount });
}

/** Takes `amount` credits, refusing (never going below zero) when the balance is short. */
export async function spend(
  db: Db,
  input: { userId: string; amount: number; kind?: LedgerKind; reference: string | null; idempotencyKey: string; now: Date },
): Promise<LedgerResult> {
  if (!(input.amount > 0)) throw new RangeError('spend: amount must be positive');
  const { amount, kind = 'spend', ...rest } = input;
  return await applyChange(db, { ...rest, kind, delta: -amount });
}

/** The credits new accounts get, once (the key makes a second grant a no-op). */
export async function grantSignupCredits(db: Db, userId: string, amount: number, now: Date): Promise<void> {
  if (amount > 0) await grant(db, { userId, amount, kind: 'signup', reference: 'welcome credits', idempotencyKey: 'signup', now });
}

/** A page of a user's ledger, newest first; pass the previous page's `nextCursor` for the next. */
export async function listLedger(
  db: Db,
  userId: string,
  options: { cursor?: number; limit: number },
): Promise<{ entries: LedgerEntry[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.userId, userId), options.cursor !== undefined ? lt(creditLedger.id, options.cursor) : undefined))
    .orderBy(desc(creditLedger.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const more = rows.length > options.limit;
  return { entries: page.map(toEntry), nextCursor: more && page.length > 0 ? String(page[page.length - 1]!.id) : null };
}
