/** Credits through the app's HTTP interface (in-process): the welcome grant, spending with idempotency keys, 402, the paged ledger, and concurrency. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCredits } from '../../server/admin.ts';
import { Client, errorCode, json, rpcClient, signupConsent, startTestServer, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/** A full-resolution size (over one megapixel) and a standard one. */
const full = { width: 2000, height: 1500 };
const standard = { width: 1000, height: 1000 };
let keyCounter = 0;
const newKey = () => `test-key-${++keyCounter}-${Math.random().toString(36).slice(2)}`;

async function ledgerRows(userId: string) {
  return (await sqlRows(t.db, 'select delta, kind, balance_after from credit_ledger where user_id = ? order by id', userId)) as {
    delta: number;
    kind: string;
    balance_after: number;
  }[];
}

describe('balance', () => {
  it('gives a new account 3 credits, recorded in the ledger as signup', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
    expect((await ledgerRows(userId))).toEqual([{ delta: 3, kind: 'signup', balance_after: 3 }]);
  });

  it('needs a signed-in person (or an API key)', async () => {
    const res = await new Client(t).get('/api/credits');
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('unauthorized');
  });
});

describe('POST /api/credits/spend', () => {
  it('charges one credit for a full-resolution export and answers with the balance', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const res = await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ balance: 2, charged: 1 });
    expect((await ledgerRows(userId)).at(-1)).toEqual({ delta: -1, kind: 'spend', balance_after: 2 });
  });

  it('charges nothing for an export within one megapixel, and writes no ledger row', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const res = await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...standard });
    expect(await json(res)).toEqual({ balance: 3, charged: 0 });
    expect((await ledgerRows(userId))).toHaveLength(1);
  });

  it('answers a retry with the same key with the first answer and never charges twice', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const idempotencyKey = newKey();
    const first = await client.post('/api/credits/spend', { idempotencyKey, ...full });
    expect(await json(first)).toEqual({ balance: 2, charged: 1 });
    // Another export meanwhile moves the balance; the retry still gets the first answer.
    await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full });
    const retry = await client.post('/api/credits/spend', { idempotencyKey, ...full });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(retry)).toEqual({ balance: 2, charged: 1 });
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 1 });
    expect((await ledgerRows(userId)).filter((r) => r.kind === 'spend')).toHaveLength(2);
  });

  it('answers 402 insufficient_credits with the balance when there are no credits left', async () => {
    const client = new Client(t);
    await client.signUp();
    for (let i = 0; i < 3; i++) expect((await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full })).status).toBe(200);
    const res = await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full });
    expect(res.status).toBe(402);
    const body = await json(res);
    expect(body.error.code).toBe('insufficient_credits');
    expect(typeof body.error.message).toBe('string');
    expect(body.balance).toBe(0);
    // Standard exports stay free at a balance of zero.
    expect(await json(await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...standard }))).toEqual({ balance: 0, charged: 0 });
  });

  it('keeps keys per person: the same key from two accounts charges each once', async () => {
    const a = new Client(t);
    const b = new Client(t);
    await a.signUp();
    await b.signUp();
    const idempotencyKey = newKey();
    expect(await json(await a.post('/api/credits/spend', { idempotencyKey, ...full }))).toEqual({ balance: 2, charged: 1 });
    expect(await json(await b.post('/api/credits/spend', { idempotencyKey, ...full }))).toEqual({ balance: 2, charged: 1 });
  });

  it('validates the body: key length and characters, whole positive dimensions', async () => {
    const client = new Client(t);
    await client.signUp();
    for (const body of [
      { idempotencyKey: 'short', ...full },
      { idempotencyKey: 'has spaces in it', ...full },
      { idempotencyKey: newKey(), width: 0, height: 10 },
      { idempotencyKey: newKey(), width: 1.5, height: 10 },
      { idempotencyKey: newKey(), width: '2000', height: 1500 },
      { idempotencyKey: newKey() },
    ]) {
      const res = await client.post('/api/credits/spend', body);
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe('invalid');
    }
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
  });

  it('refuses a cross-origin spend from a signed-in browser (CSRF)', async () => {
    const client = new Client(t);
    await client.signUp();
    const res = await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('csrf');
  });
});

describe('50 concurrent spends against a balance of 20', () => {
  it('succeed exactly 20 times; the ledger sums to the balance, which ends at 0', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    expect((await adjustCredits(t.db, email, 17, 'test top-up', t.clock.now())).ok).toBe(true);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 20 });

    // Fifty requests in flight at once (separate processes racing: credits-processes.test.ts).
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    const balances = await Promise.all(responses.map((r) => json(r)));
    expect(balances.filter((b) => b.charged === 1).map((b) => b.balance).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );

    const sum = (await sqlRows(t.db, 'select sum(delta) as sum from credit_ledger where user_id = ?', userId))[0] as { sum: number };
    const balance = (await sqlRows(t.db, 'select balance from credit_balances where user_id = ?', userId))[0] as { balance: number };
    expect(balance.balance).toBe(0);
    expect(sum.sum).toBe(balance.balance);
    expect((await ledgerRows(userId)).filter((r) => r.kind === 'spend')).toHaveLength(20);
  });

  it('20 concurrent retries of one key charge once', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const idempotencyKey = newKey();
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.post('/api/credits/spend', { idempotencyKey, ...full })));
    for (const res of responses) expect(await json(res)).toEqual({ balance: 2, charged: 1 });
    expect((await ledgerRows(userId)).filter((r) => r.kind === 'spend')).toHaveLength(1);
  });
});

describe('GET /api/credits/ledger', () => {
  it('pages newest first with a cursor until nextCursor is null', async () => {
    const client = new Client(t);
    const { email } = await client.signUp();
    for (let i = 1; i <= 4; i++) await adjustCredits(t.db, email, i, `gift ${i}`, t.clock.now());
    await client.post('/api/credits/spend', { idempotencyKey: newKey(), ...full });

    const seen: { delta: number; kind: string; reference: string | null; balanceAfter: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Response = await client.get(`/api/credits/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = await json(res);
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((e) => [e.kind, e.delta, e.balanceAfter])).toEqual([
      ['spend', -1, 12],
      ['adjust', 4, 13],
      ['adjust', 3, 9],
      ['adjust', 2, 6],
      ['adjust', 1, 4],
      ['signup', 3, 3],
    ]);
    expect(seen[1]!.reference).toBe('admin: gift 4');
  });

  it('defaults to 20 a page and validates limit and cursor', async () => {
    const client = new Client(t);
    await client.signUp();
    const page = await json(await client.get('/api/credits/ledger'));
    expect(page.entries).toHaveLength(1);
    expect(page.nextCursor).toBeNull();
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=-1', 'cursor=x']) {
      const res = await client.get(`/api/credits/ledger?${query}`);
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe('invalid');
    }
  });

  it("shows only the person's own rows", async () => {
    const a = new Client(t);
    const b = new Client(t);
    const { email } = await a.signUp();
    await b.signUp();
    await adjustCredits(t.db, email, 5, 'only for a', t.clock.now());
    const page = await json(await b.get('/api/credits/ledger'));
    expect(page.entries.map((e: { kind: string }) => e.kind)).toEqual(['signup']);
  });
});

it('types the balance, the 200 and the 402 of spend for hc<AppType>', async () => {
  const client = rpcClient(t);
  const email = `rpc-${Date.now()}@example.com`;
  await client.api.auth.signup.$post({ json: { email, password: 'correct horse battery staple', ...signupConsent } });
  const balance = await client.api.credits.$get();
  if (balance.status === 200) expect((await balance.json()).balance).toBe(3);
  else expect.unreachable();
  let last: number | undefined;
  for (let i = 0; i < 4; i++) {
    const res = await client.api.credits.spend.$post({ json: { idempotencyKey: newKey(), ...full } });
    if (res.status === 200) last = (await res.json()).balance;
    else if (res.status === 402) {
      const body = await res.json();
      expect(body.error.code).toBe('insufficient_credits');
      expect(body.balance).toBe(0);
      last = -1;
    }
  }
  expect(last).toBe(-1);
});
