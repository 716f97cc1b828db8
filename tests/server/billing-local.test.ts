/** The local (test-mode) provider through the app's HTTP interface: products, an order confirmed on the TEST MODE page, memberships that renew and cancel. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { Client, errorCode, json, rpcClient, signupConsent, startTestServer, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  // Sessions outlive the months the membership tests move the clock through.
  t = await startTestServer({ env: { PRICE_PACK_50: '1500', BILLING_CURRENCY: 'EUR', SESSION_DAYS: '365' } });
});
afterAll(() => t.close());

const day = 86_400_000;

/** Posts the test page's form the way a browser does: form-encoded, same Origin, cookie attached. */
function submitForm(client: Client, action: string, origin?: string | null) {
  return client.request('POST', action, {
    body: '',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    origin,
  });
}

async function order(client: Client, product: string) {
  const res = await client.post('/api/billing/orders', { product });
  expect(res.status).toBe(201);
  return (await json(res)) as { order: { id: string; status: string; credits: number; amount: number }; checkoutUrl: string };
}

describe('products', () => {
  it('lists three packs and the membership with the configured prices, in test mode', async () => {
    const body = await json(await new Client(t).get('/api/billing/products'));
    expect(body.provider).toBe('local');
    expect(body.testMode).toBe(true);
    expect(body.products.map((p: { id: string; credits: number; amount: number; currency: string; interval: string | null }) => [p.id, p.credits, p.amount, p.currency, p.interval])).toEqual([
      ['pack-10', 10, 300, 'eur', null],
      ['pack-50', 50, 1500, 'eur', null],
      ['pack-200', 200, 4000, 'eur', null],
      ['membership-monthly', 100, 900, 'eur', 'month'],
    ]);
  });
});

describe('a pack through the local provider', () => {
  it('creates an order, shows the TEST MODE page, confirms it, and grants the credits once', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order: created, checkoutUrl } = await order(client, 'pack-10');
    expect(created).toMatchObject({ status: 'created', credits: 10, amount: 300 });
    expect(checkoutUrl).toBe(`${t.url}/billing/local/${created.id}`);

    const page = await client.get(`/billing/local/${created.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('TEST MODE');
    expect(html).toContain('<title>TEST MODE');
    expect(html).toContain(`action="/billing/local/${created.id}/confirm"`);
    expect(html).not.toMatch(/<script/i);

    const confirm = await submitForm(client, `/billing/local/${created.id}/confirm`);
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(`${t.url}/account?order=${created.id}&payment=done`);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 13 });

    // A second click (or a back-and-resubmit) grants nothing more.
    expect((await submitForm(client, `/billing/local/${created.id}/confirm`)).status).toBe(303);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 13 });

    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: created.id, product: 'pack-10', status: 'paid', provider: 'local', credits: 10 });
    expect(orders[0].paidAt).toBe(t.clock.now().toISOString());
    const ledger = (await sqlRows(t.db, "select delta, kind, reference from credit_ledger where user_id = ? and kind = 'purchase'", userId));
    expect(ledger).toEqual([{ delta: 10, kind: 'purchase', reference: `order:${created.id}` }]);
    // The page now says the order is paid, without a confirm button.
    const after = await (await client.get(`/billing/local/${created.id}`)).text();
    expect(after).toContain('paid');
    expect(after).not.toContain('/confirm');
  });

  it('cancelling on the test page marks the order failed; it cannot be confirmed afterwards into credits twice', async () => {
    const client = new Client(t);
    await client.signUp();
    const { order: created } = await order(client, 'pack-50');
    const cancel = await submitForm(client, `/billing/local/${created.id}/cancel`);
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toContain('payment=cancelled');
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders[0]).toMatchObject({ id: created.id, status: 'failed' });
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
  });

  it("refuses someone else's order, a signed-out visitor, and a cross-origin confirm", async () => {
    const owner = new Client(t);
    await owner.signUp();
    const { order: created } = await order(owner, 'pack-200');
    const stranger = new Client(t);
    await stranger.signUp();
    expect((await stranger.get(`/billing/local/${created.id}`)).status).toBe(404);
    expect((await submitForm(stranger, `/billing/local/${created.id}/confirm`)).status).toBe(404);
    expect((await new Client(t).get(`/billing/local/${created.id}`)).status).toBe(401);
    const forged = await submitForm(owner, `/billing/local/${created.id}/confirm`, 'https://evil.example');
    expect(forged.status).toBe(403);
    expect(await json(await owner.get('/api/credits'))).toEqual({ balance: 3 });
    expect(await json(await stranger.get('/api/credits'))).toEqual({ balance: 3 });
  });

  it('validates the product and needs a session', async () => {
    const client = new Client(t);
    expect((await client.post('/api/billing/orders', { product: 'pack-10' })).status).toBe(401);
    await client.signUp();
    const res = await client.post('/api/billing/orders', { product: 'pack-11' });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('invalid');
    expect((await client.post('/api/billing/orders', {})).status).toBe(422);
  });
});

describe('the membership through the local provider', () => {
  it('grants 100 credits per period once, renews monthly, and when cancelled lasts to the period end', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    expect(await json(await client.get('/api/billing/membership'))).toEqual({ membership: null });
    const { order: created } = await order(client, 'membership-monthly');
    expect((await submitForm(client, `/billing/local/${created.id}/confirm`)).status).toBe(303);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 103 });
    const start = t.clock.now();
    let { membership } = await json(await client.get('/api/billing/membership'));
    expect(membership).toMatchObject({ status: 'active', renews: true, plan: 'membership-monthly', provider: 'local' });
    const firstEnd = new Date(membership.currentPeriodEnd);
    expect(firstEnd.getTime() - start.getTime()).toBeGreaterThanOrEqual(28 * day);

    // A second membership while one is active is refused.
    const again = await client.post('/api/billing/orders', { product: 'membership-monthly' });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('membership_active');

    // Within the period nothing more is granted, however often the balance is read.
    t.clock.advance(10 * day);
    await client.get('/api/credits');
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 103 });

    // The period ends: one renewal, one grant, one renewal order.
    t.clock.time = firstEnd.getTime() + 1000;
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 203 });
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 203 });
    ({ membership } = await json(await client.get('/api/billing/membership')));
    const secondEnd = new Date(membership.currentPeriodEnd);
    expect(secondEnd > firstEnd).toBe(true);
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders.map((o: { status: string; product: string }) => [o.product, o.status])).toEqual([
      ['membership-monthly', 'paid'],
      ['membership-monthly', 'paid'],
    ]);

    // Cancelling keeps it (and its credits) until the period ends, then it expires without a grant.
    const cancel = await client.post('/api/billing/membership/cancel');
    expect(cancel.status).toBe(200);
    ({ membership } = await json(cancel));
    expect(membership).toMatchObject({ status: 'cancelled', renews: false, currentPeriodEnd: secondEnd.toISOString() });
    expect(membership.cancelledAt).toBe(t.clock.now().toISOString());
    expect((await client.post('/api/billing/membership/cancel')).status).toBe(200);
    t.clock.time = secondEnd.getTime() + 1000;
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 203 });
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.status).toBe('expired');
    expect((await client.post('/api/billing/membership/cancel')).status).toBe(404);
    const grants = (await sqlRows(t.db, "select count(*) as n from credit_ledger where user_id = ? and kind = 'membership'", userId))[0] as { n: number };
    expect(grants.n).toBe(2);
    // And a new membership can be bought after it expired.
    expect((await client.post('/api/billing/orders', { product: 'membership-monthly' })).status).toBe(201);
  });

  it('confirms only one of two membership orders opened side by side', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const first = (await order(client, 'membership-monthly')).order;
    const second = (await order(client, 'membership-monthly')).order;
    expect((await submitForm(client, `/billing/local/${first.id}/confirm`)).status).toBe(303);
    const refused = await submitForm(client, `/billing/local/${second.id}/confirm`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('already have a membership');
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 103 });
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(Object.fromEntries(orders.map((o: { id: string; status: string }) => [o.id, o.status]))).toEqual({ [first.id]: 'paid', [second.id]: 'failed' });
    const count = (await sqlRows(t.db, 'select count(*) as n from memberships where user_id = ?', userId))[0] as { n: number };
    expect(count.n).toBe(1);
  });

  it('catches up every missed period once when the server was not asked for months', async () => {
    const client = new Client(t);
    await client.signUp();
    const { order: created } = await order(client, 'membership-monthly');
    await submitForm(client, `/billing/local/${created.id}/confirm`);
    t.clock.advance(75 * day);
    // Two period ends passed (about day 30 and day 60): two renewals.
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 303 });
  });
});

describe('hc<AppType>', () => {
  it('types products, orders, membership and API keys for the PWA', async () => {
    const client = rpcClient(t);
    const email = `hc-billing-${Date.now()}@example.com`;
    await client.api.auth.signup.$post({ json: { email, password: 'correct horse battery staple', ...signupConsent } });
    // Buying waits for a confirmed address (tests/server/email.test.ts opens the real link).
    await t.db.update(users).set({ emailVerifiedAt: new Date() }).run();
    const products = await (await client.api.billing.products.$get()).json();
    expect(products.products.find((p) => p.id === 'pack-10')?.credits).toBe(10);
    const created = await client.api.billing.orders.$post({ json: { product: 'pack-10' } });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const { order, checkoutUrl } = await created.json();
    expect(checkoutUrl.endsWith(order.id)).toBe(true);
    const orders = await (await client.api.billing.orders.$get()).json();
    expect(orders.orders[0]?.status).toBe('created');
    const membership = await (await client.api.billing.membership.$get()).json();
    expect(membership.membership).toBeNull();
    const key = await client.api.me['api-keys'].$post({ json: { name: 'hc' } });
    if (key.status !== 201) expect.unreachable();
    else {
      const { apiKey } = await key.json();
      expect((await client.api.me['api-keys'][':id'].$delete({ param: { id: apiKey.id } })).status).toBe(204);
    }
    const ledger = await client.api.credits.ledger.$get({ query: { limit: '5' } });
    if (ledger.status === 200) expect((await ledger.json()).entries[0]?.kind).toBe('signup');
    else expect.unreachable();
  });
});
