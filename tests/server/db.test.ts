/** The database: pragmas, migrations applied, and the constraints the ledger relies on. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDb, openDb, type Db, sqliteClient } from '../../server/db/client.ts';

let dir: string;
let db: Db;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearcut-db-'));
  db = openDb(join(dir, 'nested', 'clearcut.sqlite'));
});
afterAll(async () => {
  await closeDb(db);
  rmSync(dir, { recursive: true, force: true });
});

it('runs in WAL mode with foreign keys on and a busy timeout', () => {
  expect(sqliteClient(db).pragma('journal_mode', { simple: true })).toBe('wal');
  expect(sqliteClient(db).pragma('foreign_keys', { simple: true })).toBe(1);
  expect(sqliteClient(db).pragma('busy_timeout', { simple: true })).toBe(5000);
});

it('has every table of the design after migrating (and migrating twice is harmless)', async () => {
  const tables = (sqliteClient(db).prepare("select name from sqlite_master where type = 'table' and name not like '\\_\\_%' escape '\\' and name != 'sqlite_sequence'").all() as { name: string }[])
    .map((r) => r.name)
    .sort();
  expect(tables).toEqual([
    'access_logs', 'admin_audit_log', 'api_keys', 'avatars', 'child_email_hashes', 'credit_balances', 'credit_ledger', 'daily_visit_counts', 'email_tokens',
    'job_leases', 'memberships', 'oidc_flows', 'oidc_identities', 'oidc_pending_links', 'orders', 'policy_acceptances', 'rate_limits', 'sessions', 'support_requests',
    'users', 'webhook_events',
  ]);
  await closeDb(openDb(join(dir, 'nested', 'clearcut.sqlite')));
});

it('keeps the admin audit log append-only: SQLite itself refuses to change or delete a row', () => {
  const raw = sqliteClient(db);
  raw.prepare("insert into admin_audit_log (admin_id, admin_email, action, created_at) values ('a1', 'admin@example.com', 'ban', 0)").run();
  expect(() => raw.prepare("update admin_audit_log set action = 'nothing'").run()).toThrow(/append-only/);
  expect(() => raw.prepare('delete from admin_audit_log').run()).toThrow(/append-only/);
  expect(raw.prepare('select action from admin_audit_log').all()).toEqual([{ action: 'ban' }]);
});

it('never lets a balance go below zero, and keeps idempotency keys unique per user', () => {
  const raw = sqliteClient(db);
  raw.prepare("insert into users (id, email, password_hash, created_at) values ('u1', 'a@b.co', 'x', 0)").run();
  raw.prepare("insert into credit_balances (user_id, balance, updated_at) values ('u1', 1, 0)").run();
  expect(() => raw.prepare("update credit_balances set balance = balance - 2 where user_id = 'u1'").run()).toThrow(/CHECK constraint/);
  const insert = raw.prepare(
    "insert into credit_ledger (user_id, delta, kind, idempotency_key, balance_after, created_at) values ('u1', -1, 'spend', 'k1', 0, 0)",
  );
  insert.run();
  expect(() => insert.run()).toThrow(/UNIQUE constraint/);
  expect(() => raw.prepare("insert into sessions (id, secret_hash, user_id, expires_at, last_verified_at, created_at) values ('s', x'00', 'nobody', 0, 0, 0)").run()).toThrow(
    /FOREIGN KEY/,
  );
});
