/**
 * The ledger's invariants, checked on a whole database (`npm run admin -- check`, and the crash
 * test after a SIGKILL): every balance equals the sum of its ledger rows, each row's balance_after
 * follows from the one before, no idempotency key is there twice, nothing is negative; and the
 * database's own checks: SQLite's integrity and foreign-key checks, or on PostgreSQL that no
 * constraint was left unvalidated (its pages are amcheck's business, a separate tool).
 */
import { sql } from 'drizzle-orm';
import { dialectOf, rawRows, sqliteClient, type Db } from '../db/client.ts';

/** What was checked and every mismatch found (none: the database is consistent). */
export interface CheckReport {
  accounts: number;
  ledgerRows: number;
  /** What was verified, in words, for the report: the database's own checks differ by dialect. */
  checked: string[];
  problems: string[];
}

/** Runs every check read-only and lists what does not hold. */
export async function checkDatabase(db: Db): Promise<CheckReport> {
  const problems: string[] = [];
  const checked = ['balances equal their ledgers', 'no key twice', 'nothing negative'];

  if (dialectOf(db) === 'sqlite') {
    const sqlite = sqliteClient(db);
    const integrity = sqlite.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`SQLite integrity_check: ${String(integrity)}`);
    const brokenKeys = sqlite.pragma('foreign_key_check') as unknown[];
    if (brokenKeys.length > 0) problems.push(`${brokenKeys.length} rows with a broken foreign key`);
    checked.push("SQLite's integrity_check and foreign_key_check");
  } else {
    // PostgreSQL enforces a validated constraint (foreign keys, checks) on every row; one added NOT VALID is not.
    const unvalidated = await rawRows<{ table: string; name: string }>(db, sql.raw(`select conrelid::regclass::text as "table", conname as name
       from pg_constraint where not convalidated and connamespace = current_schema()::regnamespace`));
    for (const { table, name } of unvalidated) problems.push(`constraint ${name} on ${table} is not validated`);
    checked.push('every PostgreSQL constraint validated (pages not checked: use amcheck)');
  }

  // Balances against the ledger, both ways: a balance without rows, and rows without a balance.
  const sums = await rawRows<{ userId: string; balance: number; total: number }>(db, sql.raw(`select u.user_id as "userId", coalesce(b.balance, 0) as balance, coalesce(l.total, 0) as total
       from (select user_id from credit_balances union select user_id from credit_ledger where user_id is not null) u
       left join credit_balances b on b.user_id = u.user_id
       left join (select user_id, sum(delta) as total from credit_ledger where user_id is not null group by user_id) l on l.user_id = u.user_id`));
  for (const { userId, balance, total } of sums) {
    if (balance !== total) problems.push(`account ${userId}: balance ${balance}, but its ledger rows sum to ${total}`);
    if (balance < 0) problems.push(`account ${userId}: negative balance ${balance}`);
  }

  const twice = await rawRows<{ userId: string; key: string; n: number }>(db, sql.raw(`select user_id as "userId", idempotency_key as "key", count(*) as n from credit_ledger
       where user_id is not null group by user_id, idempotency_key having count(*) > 1`));
  for (const { userId, key, n } of twice) problems.push(`account ${userId}: ledger key ${key} is there ${n} times`);

  // Each row's balance_after is the previous row's plus its delta (rows of one account in id order).
  const breaks = await rawRows<{ userId: string; id: number; after: number; delta: number; before: number }>(db, sql.raw(`select user_id as "userId", id, balance_after as "after", delta,
         lag(balance_after, 1, 0) over (partition by user_id order by id) as "before"
       from credit_ledger where user_id is not null`));
  for (const row of breaks) {
    if (row.before + row.delta !== row.after) {
      problems.push(`account ${row.userId}: ledger row ${row.id} says balance ${row.after} after ${row.before} ${row.delta >= 0 ? '+' : '-'} ${Math.abs(row.delta)}`);
    }
    if (row.after < 0) problems.push(`account ${row.userId}: ledger row ${row.id} has a negative balance after it`);
  }

  return { accounts: sums.length, ledgerRows: breaks.length, checked, problems };
}
