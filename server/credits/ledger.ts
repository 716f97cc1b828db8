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
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { creditBalances, creditLedger } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';

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

// A change is three statements when it applies (lock, append, set) and each is prepared once per
// connection: building the SQL through drizzle cost more than running it (server/README.md, "Load").
const ledgerStatements = preparedOnce((db) => ({
  /**
   * The balance, its row locked until the transaction ends: an upsert that changes nothing takes
   * PostgreSQL's row lock (and makes the row for a first change, so that two first changes for one
   * person wait on each other too); on SQLite the transaction holds the whole database already.
   */
  lockBalance: preparedQuery<{ balance: number }>(
    db
      .insert(creditBalances)
      .values({ userId: sql.placeholder('userId'), balance: 0, updatedAt: sql.placeholder('now') })
      .onConflictDoUpdate({ target: creditBalances.userId, set: { balance: sql`${creditBalances.balance}` } })
      .returning({ balance: creditBalances.balance }),
    'ledger_lock_balance',
  ),
  /** The row a key already applied, if any. */
  byKey: preparedQuery<typeof creditLedger.$inferSelect>(
    db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.userId, sql.placeholder('userId')), eq(creditLedger.idempotencyKey, sql.placeholder('key')))),
    'ledger_by_key',
  ),
  /** Appends the row, or nothing when the key is there already (no row returned). */
  append: preparedQuery<typeof creditLedger.$inferSelect>(
    db
      .insert(creditLedger)
      .values({
        userId: sql.placeholder('userId'),
        delta: sql.placeholder('delta'),
        kind: sql.placeholder('kind'),
        reference: sql.placeholder('reference'),
        idempotencyKey: sql.placeholder('key'),
        balanceAfter: sql.placeholder('after'),
        createdAt: sql.placeholder('now'),
      })
      .onConflictDoNothing({ target: [creditLedger.userId, creditLedger.idempotencyKey] })
      .returning(),
    'ledger_append',
  ),
  /** Sets the balance (the row exists: lockBalance made it). Values go through the insert, which maps a Date as the column does. */
  setBalance: preparedQuery<{ balance: number }>(
    db
      .insert(creditBalances)
      .values({ userId: sql.placeholder('userId'), balance: sql.placeholder('after'), updatedAt: sql.placeholder('now') })
      .onConflictDoUpdate({ target: creditBalances.userId, set: { balance: sql`excluded.balance`, updatedAt: sql`excluded.updated_at` } })
      .returning({ balance: creditBalances.balance }),
    'ledger_set_balance',
  ),
}));

/**
 * Applies one change in one transaction: lock the balance, append the row unless its key was
 * applied before (then it is a replay) or the balance would go below zero (refused), set the balance.
 */
export async function applyChange(db: Db, change: LedgerChange): Promise<LedgerResult> {
  if (!Number.isSafeInteger(change.delta) || change.delta === 0) throw new RangeError(`bad ledger delta ${change.delta}`);
  const { userId, now } = change;
  return await inTransaction(db, async (tx): Promise<LedgerResult> => {
    const statements = ledgerStatements(tx);
    // The lock first: a concurrent change with the same key has committed by the time it is ours.
    const balance = firstRow(await statements.lockBalance.execute({ userId, now }))!.balance;
    const after = balance + change.delta;
    if (after >= 0) {
      const values = { userId, delta: change.delta, kind: change.kind, reference: change.reference, key: change.idempotencyKey, after, now };
      const row = firstRow(await statements.append.execute(values));
      if (row) {
        await statements.setBalance.execute({ userId, after, now });
        return { ok: true, replayed: false, entry: toEntry(row), balance: after };
      }
    }
    const existing = firstRow(await statements.byKey.execute({ userId, key: change.idempotencyKey }));
    if (existing) return { ok: true, replayed: true, entry: toEntry(existing), balance };
    return { ok: false, reason: 'insufficient_credits', balance };
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
