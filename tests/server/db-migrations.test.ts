/** Upgrading a database made by the first migration: the credits migrations keep every row and map old order statuses. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, expect, it } from 'vitest';
import { closeDb, migrationsDir, openDb, sqliteClient } from '../../server/db/client.ts';

const dir = mkdtempSync(join(tmpdir(), 'clearcut-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A new SQLite file `name` migrated by the first `count` migrations only, as a server of that
 * time left it (a copy of the migrations whose journal stops there); the caller closes it.
 */
function databaseAfter(count: number, name: string): { file: string; old: Database.Database } {
  const migrations = join(dir, `migrations-${count}`);
  cpSync(migrationsDir, migrations, { recursive: true });
  const journalPath = join(migrations, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  const file = join(dir, name);
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  migrate(drizzle({ client: old }), { migrationsFolder: migrations });
  return { file, old };
}

it('moves orders, memberships and logs from 0000 to the current schema intact', async () => {
  // Only 0000: the database as the accounts server left it.
  const { file, old } = databaseAfter(1, 'clearcut.sqlite');
  old.prepare("insert into users (id, email, password_hash, created_at) values ('u1', 'a@b.co', 'x', 1)").run();
  const order = old.prepare(
    "insert into orders (id, user_id, product, credits, amount, currency, status, provider, provider_ref, created_at) values (?, 'u1', 'pack-10', 10, 300, 'usd', ?, 'local', ?, 2)",
  );
  order.run('o-pending', 'pending', 'r1');
  order.run('o-cancelled', 'cancelled', 'r2');
  order.run('o-paid', 'paid', 'r3');
  old.prepare("insert into memberships (id, user_id, plan, status, provider, current_period_end, created_at) values ('m1', 'u1', 'membership-monthly', 'active', 'local', 5, 3)").run();
  old.prepare("insert into access_logs (time, ip, method, path, status, user_id, duration_ms) values (4, '192.0.2.1', 'GET', '/api/me', 200, 'u1', 1)").run();
  old.close();

  const db = openDb(file);
  const raw = sqliteClient(db);
  expect(raw.prepare('select id, status, provider_ref, payment_ref from orders order by id').all()).toEqual([
    { id: 'o-cancelled', status: 'failed', provider_ref: 'r2', payment_ref: null },
    { id: 'o-paid', status: 'paid', provider_ref: 'r3', payment_ref: null },
    { id: 'o-pending', status: 'created', provider_ref: 'r1', payment_ref: null },
  ]);
  expect(raw.prepare('select id, user_id, status, current_period_end from memberships').all()).toEqual([
    { id: 'm1', user_id: 'u1', status: 'active', current_period_end: 5 },
  ]);
  expect(raw.prepare('select user_id, api_key_prefix from access_logs').all()).toEqual([{ user_id: 'u1', api_key_prefix: null }]);
  expect(raw.pragma('foreign_key_check')).toEqual([]);
  expect(raw.pragma('foreign_keys', { simple: true })).toBe(1);
  // The new checks hold.
  expect(() => raw.prepare("update orders set status = 'pending' where id = 'o-paid'").run()).toThrow(/CHECK constraint/);
  expect(() => raw.prepare("update memberships set status = 'paused'").run()).toThrow(/CHECK constraint/);
  await closeDb(db);
});

it('makes the password optional (0004) without losing any row that points at an account', async () => {
  // The database as 0003 left it, holding an account with something in every child table.
  const { file, old } = databaseAfter(4, 'before-oidc.sqlite');
  old.prepare("insert into users (id, email, password_hash, created_at, email_verified_at) values ('u1', 'a@b.co', 'hash', 1, 2)").run();
  old.prepare("insert into sessions (id, secret_hash, user_id, expires_at, last_verified_at, created_at) values ('s1', x'00', 'u1', 9, 1, 1)").run();
  old.prepare("insert into api_keys (id, user_id, name, prefix, secret_hash, created_at) values ('k1', 'u1', 'cli', 'p1', x'00', 1)").run();
  old.prepare("insert into email_tokens (token_hash, user_id, purpose, email, expires_at, created_at) values (x'01', 'u1', 'verify', 'a@b.co', 9, 1)").run();
  old.prepare("insert into credit_balances (user_id, balance, updated_at) values ('u1', 3, 1)").run();
  old.prepare("insert into credit_ledger (user_id, delta, kind, idempotency_key, balance_after, created_at) values ('u1', 3, 'signup', 'signup', 3, 1)").run();
  old.close();

  const db = openDb(file);
  const raw = sqliteClient(db);
  const count = (table: string) => (raw.prepare(`select count(*) as n from ${table} where user_id = 'u1'`).get() as { n: number }).n;
  for (const table of ['sessions', 'api_keys', 'email_tokens', 'credit_balances', 'credit_ledger']) expect([table, count(table)]).toEqual([table, 1]);
  expect(raw.prepare("select password_hash, email_verified_at from users where id = 'u1'").get()).toEqual({ password_hash: 'hash', email_verified_at: 2 });
  expect(raw.pragma('foreign_keys', { simple: true })).toBe(1);
  // An account may now have no password at all.
  raw.prepare("insert into users (id, email, password_hash, created_at) values ('u2', 'c@d.co', null, 3)").run();
  await closeDb(db);
});
