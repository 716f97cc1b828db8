/**
 * The same server on both databases: SQLite (the embedded default) and PostgreSQL (DATABASE_URL,
 * a throwaway cluster started here). Migrations, sign-up and sessions, the admin search and a
 * child's account closed, and the ledger's rules under real concurrency: one idempotency key
 * spends once, the balance never goes below zero.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCredits, makeAdmin } from '../../server/admin.ts';
import { writeAudit } from '../../server/admin/audit.ts';
import { checkDatabase } from '../../server/credits/check.ts';
import { getBalance } from '../../server/credits/ledger.ts';
import { dialectOf, rawRows } from '../../server/db/client.ts';
import { accessLogBuffer, flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { dailyVisits } from '../../server/logs/daily-visits.ts';
import { purgeExpired } from '../../server/maintenance.ts';
import * as schema from '../../server/db/schema.ts';
import { accessLogs, adminAuditLog, creditLedger, supportRequests } from '../../server/db/schema.ts';
import { Client, json, signupConsent, startTestServer, type TestServer } from './helpers.ts';
import { dialects, pgInstalled, stopPgCluster } from './pg.ts';

const full = { width: 2000, height: 1500 };
const runFile = promisify(execFile);

afterAll(() => stopPgCluster());

describe.each(dialects)('on %s', (dialect) => {
  const run = dialect === 'sqlite' || pgInstalled;
  let t: TestServer;
  beforeAll(async () => {
    if (run) t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    if (run) await t.close();
  });

  describe.skipIf(!run)('the database', () => {
    it('is the one asked for, migrated to every table of the schema', async () => {
      expect(dialectOf(t.db)).toBe(dialect);
      const tables = Object.values(schema).filter((value) => typeof value === 'object' && value !== null && 'getSQL' in value);
      expect(tables.length).toBeGreaterThanOrEqual(18);
      for (const table of tables) await expect(t.db.select().from(table as typeof schema.users).limit(1)).resolves.toBeInstanceOf(Array);
    });

    it('keeps the admin audit log append-only: the database itself refuses to change or delete a row', async () => {
      await writeAudit(t.db, { admin: { id: 'a1', email: 'admin@example.com' }, action: 'ban', target: null }, new Date());
      const [row] = await t.db.select().from(adminAuditLog).limit(1);
      await expect((async () => t.db.update(adminAuditLog).set({ action: 'changed' }).where(eq(adminAuditLog.id, row!.id)).run())()).rejects.toThrow();
      await expect((async () => t.db.delete(adminAuditLog).where(eq(adminAuditLog.id, row!.id)).run())()).rejects.toThrow();
    });
  });

  describe.skipIf(!run)('the hourly jobs', () => {
    it('roll up yesterday\'s visits from the access log, then purge', async () => {
      await new Client(t).get('/api/auth/session');
      const tomorrow = new Date(t.clock.time + 86_400_000);
      const purged = await purgeExpired(t.db, 30, tomorrow);
      expect(purged.dailyVisitDays).toBeGreaterThanOrEqual(1);
      const today = t.clock.now().toISOString().slice(0, 10);
      expect((await dailyVisits(t.db, 2, tomorrow)).find((d) => d.day === today)?.requests).toBeGreaterThanOrEqual(1);
    });
  });

  describe.skipIf(!run)('the access log', () => {
    it('writes waiting rows in one batch; a row whose person is gone goes in unlinked, its IP truncated', async () => {
      const row = { time: new Date(t.clock.time), method: 'GET', path: '/batch-test', status: 200, durationMs: 1 };
      const buffer = accessLogBuffer(t.db);
      await flushAccessLog(t.db);
      buffer.add({ ...row, ip: '192.0.2.20', userId: null });
      buffer.add({ ...row, ip: '192.0.2.21', userId: 'nobody-by-this-id' });
      buffer.add({ ...row, ip: '192.0.2.22', userId: null });
      await flushAccessLog(t.db);
      const rows = await t.db.select({ ip: accessLogs.ip, userId: accessLogs.userId }).from(accessLogs).where(eq(accessLogs.path, '/batch-test')).orderBy(accessLogs.id).all();
      expect(rows).toEqual([
        { ip: '192.0.2.20', userId: null },
        { ip: '192.0.2.0', userId: null },
        { ip: '192.0.2.22', userId: null },
      ]);
    });
  });

  describe.skipIf(!run)('accounts and sessions', () => {
    it('signs up, keeps the session across requests, signs in again elsewhere, and signs out', async () => {
      const browser = new Client(t);
      const { email, password } = await browser.signUp();
      expect((await json(await browser.get('/api/me'))).email).toBe(email);
      const laptop = new Client(t);
      expect((await laptop.post('/api/auth/login', { email, password: 'wrong password, surely' })).status).toBe(401);
      expect((await laptop.post('/api/auth/login', { email, password })).status).toBe(200);
      expect(await json(await laptop.get('/api/me/sessions'))).toHaveLength(2);
      expect((await laptop.post('/api/auth/logout')).status).toBe(204);
      expect((await laptop.get('/api/me')).status).toBe(401);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('refuses a second account with the same address, whatever its case', async () => {
      const { email } = await new Client(t).signUp();
      const res = await new Client(t).post('/api/auth/signup', { email: email.toUpperCase(), password: 'another long password', ...signupConsent });
      expect(res.status).toBe(409);
    });
  });

  describe.skipIf(!run)('the admin console', () => {
    it("finds an address with _ in it literally, and closing it as a child's erases it from its support requests", async () => {
      const admin = new Client(t);
      await makeAdmin(t.db, (await admin.signUp()).email);
      const person = new Client(t);
      const tag = Math.random().toString(36).slice(2, 8);
      const { email, userId } = await person.signUp(`kid_${tag}@example.com`);
      await new Client(t).signUp(`kidx${tag}@example.com`);
      expect((await json(await admin.get(`/api/admin/users?q=kid_${tag}`))).users.map((u: { id: string }) => u.id)).toEqual([userId]);

      await person.post('/api/support/requests', { kind: 'question', message: `signed in ${tag}` });
      await new Client(t).post('/api/support/requests', { kind: 'question', message: `anonymous ${tag}`, email: email.toUpperCase() });
      expect((await admin.post(`/api/admin/users/${userId}/child`)).status).toBe(204);
      const mine = (await t.db.select().from(supportRequests).all()).filter((r) => r.message.endsWith(tag));
      expect(mine.map((r) => [r.email, r.userId])).toEqual([['', null], ['', null]]);
    });
  });

  describe.skipIf(!run)('the ledger under concurrency', () => {
    it('spends once for twenty requests at once with one idempotency key', async () => {
      const client = new Client(t);
      const { userId } = await client.signUp();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => client.post('/api/credits/spend', { idempotencyKey: 'the-same-key', ...full }).then(json)),
      );
      expect(answers).toEqual(Array.from({ length: 20 }, () => ({ balance: 2, charged: 1 })));
      expect(await getBalance(t.db, userId)).toBe(2);
      expect(await t.db.select().from(creditLedger).where(eq(creditLedger.userId, userId))).toHaveLength(2);
    });

    it('never goes below zero: of 30 spends at once on 10 credits, exactly 10 succeed', async () => {
      const client = new Client(t);
      const { email, userId } = await client.signUp();
      expect((await adjustCredits(t.db, email, 7, 'to ten', new Date())).ok).toBe(true);
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => client.post('/api/credits/spend', { idempotencyKey: `at-once-${i}`, ...full }).then((res) => res.status)),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 402)).toHaveLength(20);
      expect(await getBalance(t.db, userId)).toBe(0);
      expect((await checkDatabase(t.db)).problems).toEqual([]);
    });

    it('keeps every balance equal to its ledger when several accounts spend and receive at once', async () => {
      const clients = await Promise.all(Array.from({ length: 4 }, async () => {
        const client = new Client(t);
        return { client, ...(await client.signUp()) };
      }));
      await Promise.all(
        clients.flatMap(({ client, email }, a) => [
          ...Array.from({ length: 5 }, (_, i) => client.post('/api/credits/spend', { idempotencyKey: `mixed-${a}-${i}`, ...full })),
          adjustCredits(t.db, email, 2, `gift ${a}`, new Date()),
        ]),
      );
      const report = await checkDatabase(t.db);
      expect(report.problems).toEqual([]);
      for (const { userId } of clients) expect(await getBalance(t.db, userId)).toBeGreaterThanOrEqual(0);
    });
  });

  describe.skipIf(!run)('npm run admin -- check', () => {
    it("says what it verified on this database: SQLite's own checks, or PostgreSQL's validated constraints", async () => {
      const env = { ...process.env, DATA_DIR: t.dataDir, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
      const { stdout } = await runFile(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', 'check'], { env });
      expect(stdout).toMatch(/^check: ok \(\d+ accounts, \d+ ledger rows; balances equal their ledgers, no key twice, nothing negative, /);
      if (dialect === 'sqlite') {
        expect(stdout).toContain("SQLite's integrity_check and foreign_key_check");
      } else {
        expect(stdout).toContain('every PostgreSQL constraint validated (pages not checked: use amcheck)');
        expect(stdout).not.toMatch(/SQLite|integrity/);
      }
    });

    it.skipIf(dialect === 'sqlite')('finds a PostgreSQL constraint added without validating the rows', async () => {
      await rawRows(t.db, sql.raw('alter table credit_balances add constraint dialects_test_unvalidated check (balance < 0) not valid'));
      try {
        expect((await checkDatabase(t.db)).problems).toEqual(['constraint dialects_test_unvalidated on credit_balances is not validated']);
      } finally {
        await rawRows(t.db, sql.raw('alter table credit_balances drop constraint dialects_test_unvalidated'));
      }
    });
  });
});
