/** `npm run admin -- check` (the ledger's invariants on any database) and `npm run admin -- backup FILE` (online backup of a live one). */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../server/credits/check.ts';
import { closeDb, openDb, sqliteClient } from '../../server/db/client.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { Client, startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
const scratch = mkdtempSync(join(tmpdir(), 'clearcut-backup-'));
beforeAll(async () => {
  t = await startTestServer();
  // A few accounts that spent some of their welcome credits.
  for (let i = 0; i < 3; i++) {
    const client = new Client(t);
    await client.signUp();
    for (let k = 0; k <= i; k++) {
      const res = await client.post('/api/credits/spend', { idempotencyKey: `export-${k}`, width: 4000, height: 3000 });
      expect(res.status).toBe(200);
    }
  }
});
afterAll(async () => {
  await t.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('check', () => {
  it('finds nothing wrong with a database the server wrote, and says so with exit code 0', async () => {
    const report = await checkDatabase(t.db);
    expect(report.problems).toEqual([]);
    expect(report.accounts).toBe(3);
    expect(report.ledgerRows).toBe(3 + 6);
    const out = await runAdminCli(t.dataDir, 'check');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('check: ok (3 accounts, 9 ledger rows');
    expect(out.stdout).toContain("SQLite's integrity_check and foreign_key_check");
  });

  it('catches a tampered database: a balance off by one, a key applied twice, a broken running balance (exit code 1)', async () => {
    // A copy, so the tampering stays out of the other tests.
    const file = join(scratch, 'tampered.sqlite');
    await sqliteClient(t.db).backup(file);
    const copy = openDb(file);
    try {
      const sqlite = sqliteClient(copy);
      // The two accounts with credits left (2 and 1): a copied welcome row then breaks the running balance.
      const [first, second] = sqlite.prepare('select user_id as id from credit_balances where balance > 0 order by balance desc').all() as { id: string }[];
      sqlite.prepare('update credit_balances set balance = balance + 1 where user_id = ?').run(first!.id);
      // Only a tampered file can hold a key twice: the unique index forbids it.
      sqlite.exec('drop index credit_ledger_user_key_idx');
      sqlite
        .prepare(
          `insert into credit_ledger (user_id, delta, kind, reference, idempotency_key, balance_after, created_at)
           select user_id, delta, kind, reference, idempotency_key, balance_after, created_at from credit_ledger where user_id = ? and kind = 'signup'`,
        )
        .run(second!.id);
      const problems = (await checkDatabase(copy)).problems.join('\n');
      expect(problems).toContain(`account ${first!.id}: balance`);
      expect(problems).toContain(`account ${second!.id}: ledger key signup`);
      expect(problems).toMatch(new RegExp(`account ${second!.id}: ledger row \\d+ says balance`));
    } finally {
      await closeDb(copy);
    }
    const dataDir = join(scratch, 'tampered-data');
    mkdirSync(dataDir);
    renameSync(file, join(dataDir, 'clearcut.sqlite'));
    const out = await runAdminCli(dataDir, 'check');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/mismatch: account .*: balance/);
    expect(out.stderr).toMatch(/check: \d+ problem\(s\)/);
  });
});

describe('backup', () => {
  it('copies the live database while the server keeps writing; the copy is consistent and opens', async () => {
    const file = join(scratch, 'backup.sqlite');
    const before = (await checkDatabase(t.db)).ledgerRows;
    // The server keeps answering (each request writes an access-log row) while the CLI, another
    // process, backs up; SQLite's backup starts over when another connection writes, so the
    // writes pause between requests to let it finish.
    const busy = new Client(t);
    await busy.signUp();
    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing && i < 500; i++) {
        await busy.get('/api/credits');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const out = await runAdminCli(t.dataDir, 'backup', file);
    writing = false;
    await writes;
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/backup: \d+ pages written to /);

    const copy = openDb(file);
    try {
      const report = await checkDatabase(copy);
      expect(report.problems).toEqual([]);
      expect(report.ledgerRows).toBeGreaterThanOrEqual(before);
    } finally {
      await closeDb(copy);
    }
  });

  it('refuses to overwrite an existing file', async () => {
    const file = join(scratch, 'exists.sqlite');
    await sqliteClient(t.db).backup(file);
    expect(existsSync(file)).toBe(true);
    const out = await runAdminCli(t.dataDir, 'backup', file);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('exists already');
  });
});
