/**
 * The credit ledger: every change is one append-only row plus the balance row, written in
 * one better-sqlite3 transaction (synchronous, so nothing can interleave between the check
 * and the write). The balance never goes below zero: the check is here, and the
 * `CHECK (balance >= 0)` constraints are the backstop.
 */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { preparedOnce } from '../db/prepared.ts';
import { creditBalances, creditLedger } from '../db/schema.ts';

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

/**
 * Runs `fn` in one IMMEDIATE transaction on the connection (a savepoint when already inside
 * one), so ledger changes compose with the caller's writes: all land or none do.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

/** The current balance (0 for someone who never had a change). */
export function getBalance(db: Db, userId: string): number {
  return balanceOf(db).get({ userId })?.balance ?? 0;
}

const balanceOf = preparedOnce((db) =>
  db.select({ balance: creditBalances.balance }).from(creditBalances).where(eq(creditBalances.userId, sql.placeholder('userId'))).prepare(),
);

/** Applies one change in one transaction: replay by key, check the balance, append the row, set the balance. */
export function applyChange(db: Db, change: LedgerChange): LedgerResult {
  if (!Number.isSafeInteger(change.delta) || change.delta === 0) throw new RangeError(`bad ledger delta ${change.delta}`);
  return inTransaction(db, () => {
    const existing = db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.userId, change.userId), eq(creditLedger.idempotencyKey, change.idempotencyKey)))
      .get();
    if (existing) return { ok: true, replayed: true, entry: toEntry(existing), balance: getBalance(db, change.userId) };
    const balance = getBalance(db, change.userId);
    const after = balance + change.delta;
    if (after < 0) return { ok: false, reason: 'insufficient_credits', balance };
    const row = db
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
      .returning()
      .get();
    db.insert(creditBalances)
      .values({ userId: change.userId, balance: after, updatedAt: change.now })
      .onConflictDoUpdate({ target: creditBalances.userId, set: { balance: after, updatedAt: change.now } })
      .run();
    return { ok: true, replayed: false, entry: toEntry(row), balance: after };
  });
}

/** Adds `amount` credits (signup, purchase, membership, refund of a spend, admin adjustment). */
export function grant(
  db: Db,
  input: { userId: string; amount: number; kind: LedgerKind; reference: string | null; idempotencyKey: string; now: Date },
): LedgerResult {
  if (!(input.amount > 0)) throw new RangeError('grant: amount must be positive');
  const { amount, ...rest } = input;
  return applyChange(db, { ...rest, delta: amount });
}

/** Takes `amount` credits, refusing (never going below zero) when the balance is short. */
export function spend(
  db: Db,
  input: { userId: string; amount: number; kind?: LedgerKind; reference: string | null; idempotencyKey: string; now: Date },
): LedgerResult {
  if (!(input.amount > 0)) throw new RangeError('spend: amount must be positive');
  const { amount, kind = 'spend', ...rest } = input;
  return applyChange(db, { ...rest, kind, delta: -amount });
}

/** The credits new accounts get, once (the key makes a second grant a no-op). */
export function grantSignupCredits(db: Db, userId: string, amount: number, now: Date): void {
  if (amount > 0) grant(db, { userId, amount, kind: 'signup', reference: 'welcome credits', idempotencyKey: 'signup', now });
}

/** A page of a user's ledger, newest first; pass the previous page's `nextCursor` for the next. */
export function listLedger(
  db: Db,
  userId: string,
  options: { cursor?: number; limit: number },
): { entries: LedgerEntry[]; nextCursor: string | null } {
  const rows = db
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.userId, userId), options.cursor !== undefined ? lt(creditLedger.id, options.cursor) : undefined))
    .orderBy(desc(creditLedger.id))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  const more = rows.length > options.limit;
  return { entries: page.map(toEntry), nextCursor: more && page.length > 0 ? String(page[page.length - 1]!.id) : null };
}
