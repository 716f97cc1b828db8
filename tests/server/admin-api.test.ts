/**
 * The admin console's API over real HTTP: refused to everyone but admins on every route, each
 * action written to an append-only audit log, a child's account closed like a self-deletion, and
 * daily visit counts that outlive the access-log rows they were counted from.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin } from '../../server/admin.ts';
import type { AdminAction } from '../../server/admin/audit.ts';
import { accessLogs, creditLedger, sessions, users } from '../../server/db/schema.ts';
import { purgeExpired } from '../../server/maintenance.ts';
import { flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { Client, errorCode, json, sqlRows, startTestServer, strongPassword, type TestServer } from './helpers.ts';
import { testDialect } from './pg.ts';

let t: TestServer;
beforeAll(async () => {
  // Listening: a closed account's access-log rows keep the client's truncated IP, which only a socket gives.
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

async function newAdmin(): Promise<{ admin: Client; email: string; userId: string }> {
  const admin = new Client(t);
  const { email, userId } = await admin.signUp();
  await makeAdmin(t.db, email);
  return { admin, email, userId };
}

/** Every route of the admin API, as the app itself lists them (so a route added later is covered too). */
function adminRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return t.app.routes
    .filter((r) => r.path.startsWith('/api/admin') && r.method !== 'ALL')
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
    .map((r) => ({ method: r.method, path: r.path.replace(/:id\b/g, 'x') }));
}

/** The admin routes that change something, and the audit action each writes (paths as adminRoutes() gives them). */
const auditedRoutes: Record<string, AdminAction> = {
  'POST /api/admin/users/x/ban': 'ban',
  'POST /api/admin/users/x/unban': 'unban',
  'POST /api/admin/users/x/credits': 'adjust_credits',
  'POST /api/admin/orders/x/refund': 'refund_order',
  'POST /api/admin/users/x/child': 'close_child_account',
  'POST /api/admin/support/x/answer': 'answer_support',
  'POST /api/admin/support/x/close': 'close_support',
};

const auditActions = () => sqlRows<{ action: string; target: string; admin_email: string }>(t.db, 'select action, target, admin_email from admin_audit_log order by id');

describe('the role check', () => {
  it('refuses a signed-in non-admin with 403 on every admin route, and anyone signed out with 401', async () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(13);
    const person = new Client(t);
    await person.signUp();
    const before = (await auditActions()).length;
    for (const { method, path } of routes) {
      const res = await person.request(method, path, { json: method === 'GET' ? undefined : { delta: 5, reason: 'x', answer: 'x' } });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await errorCode(res)).toBe('admin_only');
      const anonymous = await new Client(t).request(method, path, { json: method === 'GET' ? undefined : {} });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
    }
    expect((await auditActions()).length).toBe(before);
  });

  it('has no route that changes or deletes the audit log', async () => {
    const { admin } = await newAdmin();
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      expect((await admin.request(method, '/api/admin/audit', { json: {} })).status, method).toBe(404);
      expect((await admin.request(method, '/api/admin/audit/1', { json: {} })).status, method).toBe(404);
    }
  });
});

describe('accounts', () => {
  it('finds accounts by part of the address and shows one: profile, balance, ledger, orders, sessions and flags', async () => {
    const { admin } = await newAdmin();
    const person = new Client(t);
    const { email, userId } = await person.signUp();
    await new Client(t).post('/api/auth/login', { email, password: strongPassword });
    const found = await json(await admin.get(`/api/admin/users?q=${encodeURIComponent(email.slice(0, 12).toUpperCase())}`));
    expect(found.users.map((u: { id: string }) => u.id)).toContain(userId);
    const detail = await json(await admin.get(`/api/admin/users/${userId}`));
    expect(detail.profile).toMatchObject({ id: userId, email, role: 'user', ageConfirmation: 'adult' });
    expect(detail.balance).toBe(3);
    expect(detail.ledger).toEqual([expect.objectContaining({ kind: 'signup', delta: 3 })]);
    expect(detail.orders).toEqual([]);
    expect(detail.sessionsCount).toBe(2);
    expect(detail.flags).toMatchObject({ admin: false, banned: false, emailVerified: true, hasPassword: true });
    expect((await admin.get('/api/admin/users/no-such-id')).status).toBe(404);
  });

  it('takes _ and % in a search as themselves, not as wildcards', async () => {
    const { admin } = await newAdmin();
    const tag = Math.random().toString(36).slice(2, 8);
    const { userId } = await new Client(t).signUp(`jo_${tag}@example.com`);
    const { userId: other } = await new Client(t).signUp(`jox${tag}@example.com`);
    const ids = async (q: string) => (await json(await admin.get(`/api/admin/users?q=${encodeURIComponent(q)}`))).users.map((u: { id: string }) => u.id);
    expect(await ids(`jo_${tag}`)).toEqual([userId]);
    expect(await ids(`x${tag}`)).toEqual([other]);
    expect(await ids(`%${tag}`)).toEqual([]);
  });
});

describe('every admin action is audited', () => {
  it('lists an audit action for every admin route that changes something (a new one fails here until it is audited and tested)', () => {
    const changing = adminRoutes().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(new Set(changing)).toEqual(new Set(Object.keys(auditedRoutes)));
    // Each action is exercised, and its row checked, by a test of this file.
    expect(new Set(Object.values(auditedRoutes))).toEqual(new Set(['ban', 'unban', 'adjust_credits', 'refund_order', 'close_child_account', 'answer_support', 'close_support']));
  });

  it('ban, unban, credits with a reason, refund, answer and close: one audit row each, naming the admin', async () => {
    const { admin, email: adminEmail } = await newAdmin();
    const person = new Client(t);
    const { email, userId } = await person.signUp();
    const before = (await auditActions()).length;

    expect((await admin.post(`/api/admin/users/${userId}/ban`)).status).toBe(200);
    expect((await person.get('/api/me')).status).toBe(401);
    expect(await errorCode(await new Client(t).post('/api/auth/login', { email, password: strongPassword }))).toBe('suspended');
    expect((await admin.post(`/api/admin/users/${userId}/unban`)).status).toBe(200);
    await person.post('/api/auth/login', { email, password: strongPassword });

    expect(await json(await admin.post(`/api/admin/users/${userId}/credits`, { delta: 7, reason: 'made up for an outage' }))).toEqual({ balance: 10 });
    expect(await json(await admin.post(`/api/admin/users/${userId}/credits`, { delta: -2, reason: 'granted twice' }))).toEqual({ balance: 8 });
    const refused = await admin.post(`/api/admin/users/${userId}/credits`, { delta: -100, reason: 'too much' });
    expect(refused.status).toBe(409);
    const ledger = await t.db.select().from(creditLedger).where(eq(creditLedger.userId, userId)).orderBy(creditLedger.id).all();
    expect(ledger.filter((row) => row.kind === 'adjust').map((row) => row.reference)).toEqual([
      `admin ${adminEmail}: made up for an outage`,
      `admin ${adminEmail}: granted twice`,
    ]);

    // A paid local order, refunded.
    const { order } = await json(await person.post('/api/billing/orders', { product: 'pack-10' }));
    await person.request('POST', `/billing/local/${order.id}/confirm`, { body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const refund = await json(await admin.post(`/api/admin/orders/${order.id}/refund`));
    expect(refund).toEqual({ order: { id: order.id, status: 'refunded' }, creditsTaken: 10 });

    const { request } = await json(await person.post('/api/support/requests', { kind: 'billing', message: 'Why was I refunded?' }));
    await admin.post(`/api/admin/support/${request.id}/answer`, { answer: 'It was charged twice.' });
    await admin.post(`/api/admin/support/${request.id}/close`);

    const added = (await auditActions()).slice(before);
    expect(added.map((row) => `${row.action} ${row.target}`)).toEqual([
      `ban ${userId}`,
      `unban ${userId}`,
      `adjust_credits ${userId}`,
      `adjust_credits ${userId}`,
      `refund_order ${order.id}`,
      `answer_support ${request.id}`,
      `close_support ${request.id}`,
    ]);
    expect(new Set(added.map((row) => row.admin_email))).toEqual(new Set([adminEmail]));

    // Admins read the log through the API, newest first, with the details.
    const audit = await json(await admin.get('/api/admin/audit?limit=7'));
    expect(audit.entries.map((e: { action: string }) => e.action)).toEqual(added.map((row) => row.action).reverse());
    expect(audit.entries.find((e: { action: string }) => e.action === 'adjust_credits').detail).toMatchObject({ delta: -2, reason: 'granted twice' });
  });
});

describe("a child's account", () => {
  /** Every table of the database, by name (so a table added later is looked at too). */
  const tableNames = async () =>
    (
      await sqlRows<{ name: string }>(
        t.db,
        testDialect === 'pg'
          ? "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'"
          : "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '\\_\\_%' escape '\\'",
      )
    ).map((r) => r.name);
  const rowCounts = async () => {
    // Access-log rows are written in batches: the waiting ones first, so every request's row is counted.
    await flushAccessLog(t.db);
    return Object.fromEntries(await Promise.all((await tableNames()).map(async (name) => [name, Number((await sqlRows<{ n: number }>(t.db, `select count(*) as n from "${name}"`))[0]!.n)])));
  };
  /** The whole database as text: every row of every table. */
  const everything = async () => (await Promise.all((await tableNames()).map(async (name) => JSON.stringify(await sqlRows(t.db, `select * from "${name}"`))))).join('\n');

  /** An account with something in every place an account leaves a trace: credits from an admin, an order, an API key, requests, a suspension lifted. */
  async function lived(admin: Client) {
    const person = new Client(t);
    const { email, userId } = await person.signUp();
    await person.post('/api/me/api-keys', { name: 'cli' });
    await person.post('/api/billing/orders', { product: 'pack-10' });
    await person.post('/api/support/requests', { kind: 'question', message: `hi from ${userId}` });
    // The same address, typed differently, without signing in.
    await new Client(t).post('/api/support/requests', { kind: 'complaint', message: `hello again from ${userId}`, email: email.toUpperCase() });
    await admin.post(`/api/admin/users/${userId}/credits`, { delta: 2, reason: 'welcome back' });
    await admin.post(`/api/admin/users/${userId}/ban`);
    await admin.post(`/api/admin/users/${userId}/unban`);
    await person.post('/api/auth/login', { email, password: strongPassword });
    return { person, email, userId };
  }

  it('is deleted exactly like a self-deletion: the same rows go, the same rows stay unlinked', async () => {
    const { admin } = await newAdmin();
    const self = await lived(admin);
    const child = await lived(admin);
    const ledgerIds = (await t.db.select().from(creditLedger).where(eq(creditLedger.userId, child.userId)).all()).map((row) => row.id);
    expect(ledgerIds.length).toBeGreaterThanOrEqual(2);

    const beforeSelf = await rowCounts();
    expect((await self.person.delete('/api/me', { password: strongPassword })).status).toBe(204);
    const afterSelf = await rowCounts();
    expect((await admin.post(`/api/admin/users/${child.userId}/child`)).status).toBe(204);
    const afterChild = await rowCounts();
    const change = (from: Record<string, number>, to: Record<string, number>) => Object.fromEntries(Object.keys(to).map((k) => [k, to[k]! - (from[k] ?? 0)]));
    // The admin's action adds its audit row and the address's hash; each request adds its access-log row.
    // Self-deletion counts an attempt against the account's allowance (a rate-limit row that goes
    // when its hour ends); the admin's action counts none.
    expect(change(afterSelf, afterChild)).toEqual({ ...change(beforeSelf, afterSelf), admin_audit_log: 1, child_email_hashes: 1, rate_limits: 0 });

    expect(await t.db.select().from(users).where(eq(users.id, child.userId)).get()).toBeUndefined();
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, child.userId)).all()).toEqual([]);
    expect((await child.person.get('/api/me')).status).toBe(401);
    // As after a self-deletion: the ledger kept for accounting and the log rows, unlinked, IPs truncated.
    const rows = await Promise.all(ledgerIds.map((id) => t.db.select().from(creditLedger).where(eq(creditLedger.id, id)).get()));
    expect(rows.map((row) => row?.userId)).toEqual(ledgerIds.map(() => null));
    await flushAccessLog(t.db);
    expect(await t.db.select().from(accessLogs).where(eq(accessLogs.userId, child.userId)).all()).toEqual([]);
    expect(Number((await sqlRows<{ n: number }>(t.db, "select count(*) as n from access_logs where ip = '127.0.0.0' and user_id is null"))[0]!.n)).toBeGreaterThanOrEqual(3);
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'close_child_account', target: child.userId });
  });

  it("keeps the address only as a hash: in no row of any table, its requests kept with nowhere to mail; it signs up again only with a guardian's consent", async () => {
    const { admin } = await newAdmin();
    const { email, userId } = await lived(admin);
    expect((await everything()).toLowerCase()).toContain(email);
    expect((await admin.post(`/api/admin/users/${userId}/child`)).status).toBe(204);
    expect((await everything()).toLowerCase()).not.toContain(email);

    // Both requests stay, answerable, with no address left to mail.
    const kept = (await json(await admin.get('/api/admin/support'))).requests.filter((r: { message: string }) => r.message.endsWith(`from ${userId}`));
    expect(kept.map((r: { email: string; userId: string | null }) => [r.email, r.userId])).toEqual([['', null], ['', null]]);
    expect((await admin.post(`/api/admin/support/${kept[0].id}/answer`, { answer: 'Closed.' })).status).toBe(200);
    expect((await everything()).toLowerCase()).not.toContain(email);

    const asAdult = await new Client(t).post('/api/auth/signup', { email: email.toUpperCase(), password: strongPassword, ageConfirmation: 'adult', acceptPolicies: true });
    expect(asAdult.status).toBe(403);
    expect((await json(asAdult)).error).toMatchObject({ code: 'guardian_consent_required', message: expect.stringMatching(/parent's or guardian's consent/) });
    const withConsent = await new Client(t).post('/api/auth/signup', { email, password: strongPassword, ageConfirmation: 'guardian', acceptPolicies: true });
    expect(withConsent.status).toBe(201);
    expect((await t.db.select().from(users).where(eq(users.email, email)).get())!.ageConfirmation).toBe('guardian');
  });
});

describe('daily visit counts', () => {
  it('are rolled up before the purge, so the chart covers days whose access-log rows are gone', async () => {
    const { admin } = await newAdmin();
    const start = t.clock.time;
    const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
    // Three visitors on day 0 (one of them twice), one on day 1.
    for (const agent of ['A', 'B', 'C', 'A']) await new Client(t, { headers: { 'User-Agent': `Visitor ${agent}` } }).get('/api/health');
    t.clock.advance(86_400_000);
    await new Client(t, { headers: { 'User-Agent': 'Visitor D' } }).get('/api/health');
    const live = (await json(await admin.get('/api/admin/visits?days=5'))).days;
    expect(live.find((d: { day: string }) => d.day === day(1))).toMatchObject({ requests: expect.any(Number), visitors: expect.any(Number) });
    const before = live.find((d: { day: string }) => d.day === day(0));

    // The hourly job runs every day for 40 days: rows past 30 days go, their days' counts stay.
    for (let i = 0; i < 40; i++) {
      t.clock.advance(86_400_000);
      await purgeExpired(t.db, 30, t.clock.now());
    }
    const [rows] = await sqlRows<{ n: number }>(t.db, 'select count(*) as n from access_logs where time < ?', start + 2 * 86_400_000);
    expect(Number(rows!.n)).toBe(0);
    // (Forty days on, the admin's session has expired: a new admin reads the chart.)
    const later = (await json(await (await newAdmin()).admin.get('/api/admin/visits?days=60'))).days;
    expect(later.find((d: { day: string }) => d.day === day(0))).toEqual(before);
    expect(before.visitors).toBeGreaterThanOrEqual(3);
    expect(before.requests).toBeGreaterThanOrEqual(3);
    // Only the two numbers per day are kept: no IP, no user agent.
    expect(Object.keys((await sqlRows(t.db, 'select * from daily_visit_counts limit 1'))[0]!)).toEqual(['day', 'requests', 'visitors']);
  });
});
