/** API keys: created with the secret shown once, only a hash kept, listed, revoked; scoped to balance and spend, rate-limited, logged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, json, startTestServer, strongPassword, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { RATE_LIMIT_API_KEY_PER_MINUTE: '5' } });
});
afterAll(() => t.close());

const full = { width: 4000, height: 3000 };
let n = 0;
const newKey = () => `cli-file-${++n}-${Math.random().toString(36).slice(2)}`;

/** A request as a script sends it: the key, no cookie, no Origin. */
function withKey(key: string, method: string, path: string, body?: unknown): Promise<Response> {
  return t.request(`${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), 'User-Agent': 'clearcut-cli/test' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createKey(client: Client, name = 'laptop CLI'): Promise<{ key: string; id: string; prefix: string }> {
  const res = await client.post('/api/me/api-keys', { name });
  expect(res.status).toBe(201);
  const body = await json(res);
  return { key: body.key, id: body.apiKey.id, prefix: body.apiKey.prefix };
}

describe('managing keys', () => {
  it('shows the secret once, stores only its hash, and lists name, prefix and last use', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const res = await client.post('/api/me/api-keys', { name: '  build server  ' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await json(res);
    expect(body.key).toMatch(/^cc_[a-z2-9]{12}_[a-z2-9]{32}$/);
    expect(body.apiKey).toMatchObject({ name: 'build server', lastUsedAt: null, revokedAt: null });
    expect(body.key.startsWith(`${body.apiKey.prefix}_`)).toBe(true);

    const secret = body.key.split('_')[2];
    const row = (await sqlRows(t.db, 'select * from api_keys where user_id = ?', userId))[0] as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((row.secret_hash as Buffer).length).toBe(32);

    const list = await json(await client.get('/api/me/api-keys'));
    expect(list.apiKeys).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(Object.keys(list.apiKeys[0]).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);

    expect((await withKey(body.key, 'GET', '/api/credits')).status).toBe(200);
    const used = (await json(await client.get('/api/me/api-keys'))).apiKeys[0];
    expect(used.lastUsedAt).toBe(t.clock.now().toISOString());
    // Precise to the minute: a use within it is a read only, a use after it moves the time.
    const firstUse = t.clock.now().toISOString();
    t.clock.advance(59_000);
    expect((await withKey(body.key, 'GET', '/api/credits')).status).toBe(200);
    expect((await json(await client.get('/api/me/api-keys'))).apiKeys[0].lastUsedAt).toBe(firstUse);
    t.clock.advance(1_000);
    expect((await withKey(body.key, 'GET', '/api/credits')).status).toBe(200);
    expect((await json(await client.get('/api/me/api-keys'))).apiKeys[0].lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('revokes: the key stops working at once; revoking someone else\'s key is a 404', async () => {
    const client = new Client(t);
    await client.signUp();
    const { key, id } = await createKey(client);
    expect((await withKey(key, 'GET', '/api/credits')).status).toBe(200);
    const other = new Client(t);
    await other.signUp();
    expect((await other.delete(`/api/me/api-keys/${id}`)).status).toBe(404);
    expect((await client.delete(`/api/me/api-keys/${id}`)).status).toBe(204);
    const res = await withKey(key, 'GET', '/api/credits');
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('invalid_api_key');
    const listed = (await json(await client.get('/api/me/api-keys'))).apiKeys[0];
    expect(listed.revokedAt).toBe(t.clock.now().toISOString());
  });

  it('validates the name and needs a session', async () => {
    const client = new Client(t);
    expect((await client.post('/api/me/api-keys', { name: 'x' })).status).toBe(401);
    await client.signUp();
    for (const name of ['', '   ', 'x'.repeat(65), 'evil\u202Ename']) {
      const res = await client.post('/api/me/api-keys', { name });
      expect(res.status).toBe(422);
    }
  });
});

describe('using a key', () => {
  it('reads the balance and spends (idempotently) without cookie or Origin', async () => {
    const client = new Client(t);
    await client.signUp();
    const { key } = await createKey(client);
    expect(await json(await withKey(key, 'GET', '/api/credits'))).toEqual({ balance: 3 });
    const idempotencyKey = newKey();
    const first = await withKey(key, 'POST', '/api/credits/spend', { idempotencyKey, ...full });
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ balance: 2, charged: 1 });
    expect(await json(await withKey(key, 'POST', '/api/credits/spend', { idempotencyKey, ...full }))).toEqual({ balance: 2, charged: 1 });
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 2 });
  });

  it('refuses a malformed or unknown key with 401', async () => {
    for (const header of ['Bearer nope', 'Bearer cc_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'Basic abc']) {
      const res = await t.request(`/api/credits`, { headers: { Authorization: header } });
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('invalid_api_key');
    }
  });

  it('cannot change the password, delete the account, read the profile or do anything else', async () => {
    const client = new Client(t);
    const { email } = await client.signUp();
    const { key } = await createKey(client);
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/me'],
      ['POST', '/api/me/password', { currentPassword: strongPassword, newPassword: 'a whole new passphrase here' }],
      ['DELETE', '/api/me', { password: strongPassword }],
      ['PATCH', '/api/me', { displayName: 'pwned' }],
      ['GET', '/api/me/export'],
      ['GET', '/api/me/api-keys'],
      ['POST', '/api/me/api-keys', { name: 'another' }],
      ['GET', '/api/credits/ledger'],
      ['POST', '/api/billing/orders', { product: 'pack-10' }],
      ['POST', '/api/billing/membership/cancel'],
      ['POST', '/api/auth/logout'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await withKey(key, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await errorCode(res)).toBe('api_key_scope');
    }
    // Nothing changed: the password still signs in, the account and its name are intact.
    const again = new Client(t);
    expect((await again.post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
    expect((await json(await again.get('/api/me'))).displayName).toBeNull();
  });

  it('does not let a key ride along with a cookie from another origin (CSRF still applies)', async () => {
    const client = new Client(t);
    await client.signUp();
    const { key } = await createKey(client);
    const res = await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full }, {
      origin: 'https://evil.example',
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('csrf');
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
  });

  it('is rate-limited per key with 429 and Retry-After; another key is unaffected; the window resets', async () => {
    const client = new Client(t);
    await client.signUp();
    const a = await createKey(client, 'a');
    const b = await createKey(client, 'b');
    for (let i = 0; i < 5; i++) expect((await withKey(a.key, 'GET', '/api/credits')).status).toBe(200);
    const limited = await withKey(a.key, 'POST', '/api/credits/spend', { idempotencyKey: newKey(), ...full });
    expect(limited.status).toBe(429);
    expect(await errorCode(limited)).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await withKey(b.key, 'GET', '/api/credits')).status).toBe(200);
    t.clock.advance(61_000);
    expect((await withKey(a.key, 'GET', '/api/credits')).status).toBe(200);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
  });

  it("records every use in the account's access log, with the key's prefix", async () => {
    const client = new Client(t);
    await client.signUp();
    const { key, prefix } = await createKey(client);
    await withKey(key, 'GET', '/api/credits');
    await withKey(key, 'POST', '/api/credits/spend', { idempotencyKey: newKey(), ...full });
    await withKey(key, 'GET', '/api/me');
    const rows = (await json(await client.get('/api/me/access-log'))) as { method: string; path: string; status: number; apiKey: string | null; userAgent: string }[];
    const keyed = rows.filter((r) => r.apiKey === prefix).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(keyed).toEqual(['GET /api/me 403', 'POST /api/credits/spend 200', 'GET /api/credits 200']);
    expect(rows.find((r) => r.apiKey === prefix)?.userAgent).toBe('clearcut-cli/test');
    expect(rows.filter((r) => r.path === '/api/me/api-keys').every((r) => r.apiKey === null)).toBe(true);
  });

  it('stops working when the account is suspended', async () => {
    const { banUser } = await import('../../server/admin.ts');
    const client = new Client(t);
    const { email } = await client.signUp();
    const { key } = await createKey(client);
    await banUser(t.db, email, t.clock.now());
    const res = await withKey(key, 'GET', '/api/credits');
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('suspended');
  });
});

describe('privacy export', () => {
  it('includes the ledger, orders and API keys, never a key secret or hash', async () => {
    const client = new Client(t);
    await client.signUp();
    const { key, prefix } = await createKey(client);
    await withKey(key, 'POST', '/api/credits/spend', { idempotencyKey: newKey(), ...full });
    const order = await json(await client.post('/api/billing/orders', { product: 'pack-10' }));
    const res = await client.get('/api/me/export');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(key.split('_')[2]);
    expect(text).not.toMatch(/secret/i);
    const data = JSON.parse(text);
    expect(data.credits.balance).toBe(2);
    expect(data.credits.ledger.map((r: { kind: string; delta: number }) => [r.kind, r.delta])).toEqual([
      ['signup', 3],
      ['spend', -1],
    ]);
    expect(data.orders.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([[order.order.id, 'created']]);
    expect(data.apiKeys).toHaveLength(1);
    expect(data.apiKeys[0]).toMatchObject({ name: 'laptop CLI', prefix, revokedAt: null });
    expect(data.apiKeys[0].lastUsedAt).not.toBeNull();
    expect(data.memberships).toEqual([]);
  });
});
