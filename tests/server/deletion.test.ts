/** Account deletion: what DESIGN.md says is erased is erased, what it says is unlinked is unlinked. */
import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarDir } from '../../server/avatars/folder-store.ts';
import { flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { Client, errorCode, json, sqlRows, startTestServer, strongPassword, type TestServer } from './helpers.ts';
import { testDialect } from './pg.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { TRUST_PROXY: 'true' } });
});
afterAll(() => t.close());

const sql = <T>(query: string, ...params: unknown[]): Promise<T[]> => sqlRows<T>(t.db, query, ...params);
/** The avatars stored: files on SQLite, rows of the avatars table on PostgreSQL. */
const storedAvatars = async () => (testDialect === 'pg' ? (await sql<{ key: string }>('select key from avatars')).map((r) => r.key) : readdirSync(avatarDir(t.dataDir)));

describe('DELETE /api/me', () => {
  it('refuses a wrong password and keeps everything', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const res = await client.delete('/api/me', { password: 'definitely not it' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('wrong_password');
    expect(await sql('select id from users where id = ?', userId)).toHaveLength(1);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('erases the person, sessions, API keys, balance and avatar; unlinks ledger, orders, memberships and logs', async () => {
    const ip = '203.0.113.77';
    const client = new Client(t, { headers: { 'X-Forwarded-For': ip } });
    const { userId, email } = await client.signUp();
    const other = new Client(t, { headers: { 'X-Forwarded-For': '198.51.100.5' } });
    await other.post('/api/auth/login', { email, password: strongPassword });
    const bystander = new Client(t, { headers: { 'X-Forwarded-For': '192.0.2.9' } });
    const { userId: bystanderId } = await bystander.signUp();

    const avatar = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).png().toBuffer();
    const form = new FormData();
    form.append('avatar', new Blob([avatar], { type: 'image/png' }), 'a.png');
    expect((await client.request('PUT', '/api/me/avatar', { body: form })).status).toBe(200);
    expect(await storedAvatars()).toHaveLength(1);

    // Sign-up wrote the balance and its ledger row; an order, a membership and a key are inserted directly.
    const now = Date.now();
    expect(await sql('select balance from credit_balances where user_id = ?', userId)).toEqual([{ balance: 3 }]);
    await sql(
      "insert into orders (id, user_id, product, credits, amount, currency, status, provider, created_at) values ('o1', ?, 'pack-10', 10, 500, 'EUR', 'paid', 'local', ?)",
      userId,
      now,
    );
    await sql(
      "insert into memberships (id, user_id, plan, status, provider, current_period_end, created_at) values ('m1', ?, 'monthly', 'active', 'local', ?, ?)",
      userId,
      now,
      now,
    );
    await sql("insert into api_keys (id, user_id, name, prefix, secret_hash, created_at) values ('k1', ?, 'cli', 'cc_abc', ?, ?)", userId, Buffer.from([0]), now);
    await client.get('/api/me');
    // Rows are written in batches: the waiting ones first (the deletion below does the same).
    await flushAccessLog(t.db);
    expect((await sql('select * from access_logs where user_id = ?', userId)).length).toBeGreaterThan(2);

    const res = await client.delete('/api/me', { password: strongPassword });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/clearcut_session=;/);

    // Access-log rows (checked before the anonymous requests below add new ones): nothing points at
    // the person, and their IPs are cut to the network.
    await flushAccessLog(t.db);
    expect(await sql('select * from access_logs where user_id = ?', userId)).toEqual([]);
    const ips = (await sql<{ ip: string }>('select distinct ip from access_logs where user_id is null')).map((r) => r.ip);
    expect(ips).not.toContain(ip);
    expect(ips).not.toContain('198.51.100.5');
    expect(ips).toContain('203.0.113.0');
    expect(ips).toContain('198.51.100.0');
    // The deletion request itself was logged without the person.
    const last = await sql<{ method: string; path: string; user_id: string | null; status: number }>(
      "select method, path, user_id, status from access_logs where method = 'DELETE' and path = '/api/me' and status = 204",
    );
    expect(last).toEqual([{ method: 'DELETE', path: '/api/me', user_id: null, status: 204 }]);


    // Erased.
    expect(await sql('select * from users where id = ?', userId)).toEqual([]);
    expect(await sql('select * from users where email = ?', email)).toEqual([]);
    expect(await sql('select * from sessions where user_id = ?', userId)).toEqual([]);
    expect(await sql('select * from api_keys')).toEqual([]);
    expect(await sql('select * from credit_balances where user_id = ?', userId)).toEqual([]);
    expect(await storedAvatars()).toEqual([]);
    expect((await client.get('/api/me')).status).toBe(401);
    expect((await other.get('/api/me')).status).toBe(401);

    // Kept for accounting, unlinked.
    expect(await sql('select user_id, delta, kind from credit_ledger where user_id is null')).toEqual([{ user_id: null, delta: 3, kind: 'signup' }]);
    expect(await sql('select id, user_id, status from orders')).toEqual([{ id: 'o1', user_id: null, status: 'paid' }]);
    expect(await sql('select id, user_id from memberships')).toEqual([{ id: 'm1', user_id: null }]);

    // Someone else is untouched.
    expect(await sql('select id from users where id = ?', bystanderId)).toHaveLength(1);
    await flushAccessLog(t.db);
    expect((await sql<{ ip: string }>('select ip from access_logs where user_id = ?', bystanderId)).every((r) => r.ip === '192.0.2.9')).toBe(true);
    expect((await json(await bystander.get('/api/me'))).id).toBe(bystanderId);
  });
});
