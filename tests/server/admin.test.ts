/** Administration: admin role, bans (sessions end, sign-in says suspended), unbans, daily visits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCredits, banUser, formatDailyVisits, makeAdmin, refundOrder, unbanUser } from '../../server/admin.ts';
import { getUserByEmail } from '../../server/auth/user.ts';
import { Client, errorCode, json, sqlRows, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('admin', () => {
  it('makes an admin, by email in any case', async () => {
    const { email } = await new Client(t).signUp();
    expect(await makeAdmin(t.db, email.toUpperCase())).toEqual({ ok: true, message: expect.any(String) });
    expect((await getUserByEmail(t.db, email))?.role).toBe('admin');
    expect((await makeAdmin(t.db, uniqueEmail())).ok).toBe(false);
  });

  it('bans: every session ends and sign-in answers 403 suspended; unban lets the person back', async () => {
    const client = new Client(t);
    const { email } = await client.signUp();
    expect((await banUser(t.db, email, t.clock.now())).ok).toBe(true);
    expect((await client.get('/api/me')).status).toBe(401);
    const login = await new Client(t).post('/api/auth/login', { email, password: strongPassword });
    expect(login.status).toBe(403);
    expect(await errorCode(login)).toBe('suspended');
    // A wrong password still gets the ordinary answer, so a ban reveals nothing without the password.
    expect((await new Client(t).post('/api/auth/login', { email, password: 'not the password' })).status).toBe(401);

    expect((await unbanUser(t.db, email)).ok).toBe(true);
    expect((await new Client(t).post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
  });

  it('prints daily requests and visitors from the access log', async () => {
    const before = await formatDailyVisits(t.db, 30, t.clock.now());
    expect(before).toMatch(/^day +requests +visitors/);
    await new Client(t, { headers: { 'User-Agent': 'Visitor A' } }).get('/api/health');
    const table = await formatDailyVisits(t.db, 30, t.clock.now());
    const today = t.clock.now().toISOString().slice(0, 10);
    expect(table).toMatch(new RegExp(`${today} +\\d+ +\\d+`));
  });

  it('writes each action to the audit log, as the console does, naming the command line and the system user', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    const { order } = await json(await client.post('/api/billing/orders', { product: 'pack-10' }));
    await client.request('POST', `/billing/local/${order.id}/confirm`, { body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const before = (await sqlRows<{ id: number | null }>(t.db, 'select max(id) as id from admin_audit_log'))[0]!.id ?? 0;

    expect((await makeAdmin(t.db, email, t.clock.now())).ok).toBe(true);
    expect((await banUser(t.db, email, t.clock.now())).ok).toBe(true);
    expect((await unbanUser(t.db, email, t.clock.now())).ok).toBe(true);
    expect((await adjustCredits(t.db, email, 4, 'goodwill', t.clock.now())).ok).toBe(true);
    expect((await adjustCredits(t.db, email, -1000, 'too much', t.clock.now())).ok).toBe(false);
    expect((await refundOrder(t.db, order.id, t.clock.now())).ok).toBe(true);

    const rows = await sqlRows<Record<string, string>>(t.db, 'select admin_id, admin_email, action, target, detail from admin_audit_log where id > ? order by id', before);
    expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual([`make_admin ${userId}`, `ban ${userId}`, `unban ${userId}`, `adjust_credits ${userId}`, `refund_order ${order.id}`]);
    expect(new Set(rows.map((r) => r.admin_id))).toEqual(new Set(['cli']));
    expect(rows[0]!.admin_email).toMatch(/^command line \(.+\)$/);
    expect(JSON.parse(rows[3]!.detail!)).toMatchObject({ delta: 4, reason: 'goodwill' });
  });
});
