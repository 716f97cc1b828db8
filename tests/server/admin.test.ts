/** Administration: admin role, bans (sessions end, sign-in says suspended), unbans, daily visits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banUser, formatDailyVisits, makeAdmin, unbanUser } from '../../server/admin.ts';
import { getUserByEmail } from '../../server/auth/user.ts';
import { Client, errorCode, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

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
});
