/**
 * The Stripe provider without the network: Checkout sessions answered by a fake HTTP client
 * inside the SDK, and webhook events signed with the SDK's own test helper
 * (`stripe.webhooks.generateTestHeaderString`): valid, tampered, replayed and duplicate
 * events, pack purchases, membership renewals, failures and cancellation.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, json, startTestServer, type TestServer, sqlRows } from './helpers.ts';

const webhookSecret = 'whsec_test_clearcut_secret';
const day = 86_400_000;

/** Every call the SDK made, with its form-decoded body. */
const stripeCalls: { method: string; path: string; body: URLSearchParams; idempotencyKey: string | null }[] = [];
let sessionCounter = 0;

const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = new URL(String(input));
  const body = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
  const headers = new Headers(init?.headers);
  stripeCalls.push({ method: init?.method ?? 'GET', path: url.pathname, body, idempotencyKey: headers.get('idempotency-key') });
  const reply = (data: unknown) =>
    new Response(JSON.stringify(data), { status: 200, headers: { 'Content-Type': 'application/json', 'Request-Id': 'req_test' } });
  if (url.pathname === '/v1/checkout/sessions') {
    const id = `cs_test_${++sessionCounter}`;
    return reply({ id, object: 'checkout.session', url: `https://checkout.stripe.com/c/pay/${id}` });
  }
  const sub = /^\/v1\/subscriptions\/([\w]+)$/.exec(url.pathname);
  if (sub?.[1]?.startsWith('sub_unreachable')) {
    return new Response(JSON.stringify({ error: { type: 'api_error', message: 'down' } }), { status: 500, headers: { 'Content-Type': 'application/json' } });
  }
  if (sub && init?.method === 'DELETE') return reply({ id: sub[1], object: 'subscription', status: 'canceled' });
  if (sub) return reply({ id: sub[1], object: 'subscription', cancel_at_period_end: body.get('cancel_at_period_end') === 'true' });
  return new Response(JSON.stringify({ error: { message: 'not faked' } }), { status: 404 });
};

const stripe = new Stripe('sk_test_fake', { httpClient: Stripe.createFetchHttpClient(fakeFetch), maxNetworkRetries: 0 });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_WEBHOOK_SECRET: webhookSecret, SESSION_DAYS: '365' },
    deps: { stripe },
  });
});
afterAll(() => t.close());

let eventCounter = 0;
/** A Stripe event envelope around `object`. */
function event(type: string, object: Record<string, unknown>, id = `evt_test_${++eventCounter}`) {
  return { id, object: 'event', api_version: '2026-10-28.endive', created: Math.floor(t.clock.time / 1000), type, data: { object } };
}

/** Posts a webhook as Stripe does: no Origin, no cookie, the raw JSON and its signature header. */
async function deliver(
  payload: unknown,
  options: { timestamp?: number; secret?: string; tamper?: (raw: string) => string; signature?: string | null } = {},
): Promise<Response> {
  const raw = JSON.stringify(payload, null, 2);
  const header = stripe.webhooks.generateTestHeaderString({
    payload: raw,
    secret: options.secret ?? webhookSecret,
    timestamp: options.timestamp ?? Math.floor(t.clock.time / 1000),
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' };
  if (options.signature !== null) headers['Stripe-Signature'] = options.signature ?? header;
  return t.request(`/api/billing/stripe/webhook`, { method: 'POST', headers, body: options.tamper ? options.tamper(raw) : raw });
}

async function balance(client: Client): Promise<number> {
  return (await json(await client.get('/api/credits'))).balance;
}

async function buy(client: Client, product: string) {
  const res = await client.post('/api/billing/orders', { product });
  expect(res.status).toBe(201);
  return (await json(res)) as { order: { id: string; status: string }; checkoutUrl: string };
}

function completedSession(orderId: string, userId: string, extra: Record<string, unknown> = {}) {
  return {
    id: `cs_test_for_${orderId}`,
    object: 'checkout.session',
    mode: 'payment',
    payment_status: 'paid',
    status: 'complete',
    client_reference_id: orderId,
    metadata: { orderId, userId, productId: 'pack-50' },
    ...extra,
  };
}

/** An invoice in the 2025+ API shape: the subscription and its metadata under parent.subscription_details. */
function invoice(input: { id: string; subscription: string; userId: string; orderId?: string; start: number; reason: string; amount?: number }) {
  const end = input.start + 30 * day;
  return {
    id: input.id,
    object: 'invoice',
    billing_reason: input.reason,
    amount_paid: input.amount ?? 900,
    amount_due: input.amount ?? 900,
    currency: 'usd',
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: input.subscription, metadata: { userId: input.userId, orderId: input.orderId ?? '', productId: 'membership-monthly' } },
    },
    lines: { object: 'list', data: [{ id: `il_${input.id}`, object: 'line_item', period: { start: input.start / 1000, end: end / 1000 }, metadata: {} }] },
  };
}

describe('checkout', () => {
  it('creates a Checkout session for a pack with an inline price, the order id as reference, and an idempotency key', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    stripeCalls.length = 0;
    const { order, checkoutUrl } = await buy(client, 'pack-50');
    expect(checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\d+$/);
    expect(order.status).toBe('created');
    expect(stripeCalls).toHaveLength(1);
    const call = stripeCalls[0]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/v1/checkout/sessions');
    expect(call.idempotencyKey).toBe(`checkout-${order.id}`);
    expect(call.body.get('mode')).toBe('payment');
    expect(call.body.get('client_reference_id')).toBe(order.id);
    expect(call.body.get('metadata[orderId]')).toBe(order.id);
    expect(call.body.get('metadata[userId]')).toBe(userId);
    expect(call.body.get('line_items[0][price_data][unit_amount]')).toBe('1200');
    expect(call.body.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(call.body.get('success_url')).toBe(`${t.url}/account?order=${order.id}&payment=done`);
    // The person's email is not sent: Stripe's page asks for what it needs.
    expect(call.body.get('customer_email')).toBeNull();
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders[0]).toMatchObject({ id: order.id, provider: 'stripe', status: 'created' });
    expect(orders[0].providerRef).toBeUndefined();
  });

  it('creates a subscription-mode session with a monthly price for the membership', async () => {
    const client = new Client(t);
    await client.signUp();
    stripeCalls.length = 0;
    await buy(client, 'membership-monthly');
    const body = stripeCalls[0]!.body;
    expect(body.get('mode')).toBe('subscription');
    expect(body.get('line_items[0][price_data][recurring][interval]')).toBe('month');
    expect(body.get('subscription_data[metadata][userId]')).toBeTruthy();
  });
});

describe('webhook signatures', () => {
  it('applies a validly signed checkout.session.completed: order paid, credits granted', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'pack-50');
    const res = await deliver(event('checkout.session.completed', completedSession(order.id, userId)));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: true, outcome: 'processed' });
    expect(await balance(client)).toBe(53);
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders[0]).toMatchObject({ id: order.id, status: 'paid' });
  });

  it('refuses a tampered body, a wrong secret, a missing header and a garbage header with 400, changing nothing', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'pack-200');
    const payload = event('checkout.session.completed', completedSession(order.id, userId, { payment_status: 'unpaid' }));
    // The attacker flips the payment status after signing.
    const tampered = await deliver(payload, { tamper: (raw) => raw.replace('"unpaid"', '"paid"') });
    expect(tampered.status).toBe(400);
    expect(await errorCode(tampered)).toBe('bad_signature');
    const wrongSecret = await deliver(event('checkout.session.completed', completedSession(order.id, userId)), { secret: 'whsec_other' });
    expect(wrongSecret.status).toBe(400);
    expect((await deliver(event('checkout.session.completed', completedSession(order.id, userId)), { signature: null })).status).toBe(400);
    expect((await deliver(event('checkout.session.completed', completedSession(order.id, userId)), { signature: 't=1,v1=abc' })).status).toBe(400);
    expect(await balance(client)).toBe(3);
    const stored = (await sqlRows(t.db, 'select count(*) as n from webhook_events where event_id = ?', payload.id))[0] as { n: number };
    expect(stored.n).toBe(0);
  });

  it('refuses a replay: a correctly signed event whose timestamp is older than five minutes', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'pack-10');
    const payload = event('checkout.session.completed', completedSession(order.id, userId));
    const old = Math.floor(t.clock.time / 1000) - 6 * 60;
    const res = await deliver(payload, { timestamp: old });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('bad_signature');
    expect(await balance(client)).toBe(3);
    // Four minutes old is within the tolerance.
    expect((await deliver(payload, { timestamp: Math.floor(t.clock.time / 1000) - 4 * 60 })).status).toBe(200);
    expect(await balance(client)).toBe(13);
  });

  it('handles a duplicate event id once, and a second event for the same checkout grants nothing more', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'pack-10');
    const payload = event('checkout.session.completed', completedSession(order.id, userId));
    expect(await json(await deliver(payload))).toEqual({ received: true, outcome: 'processed' });
    expect(await json(await deliver(payload))).toEqual({ received: true, outcome: 'duplicate' });
    expect(await balance(client)).toBe(13);
    await deliver(event('checkout.session.async_payment_succeeded', completedSession(order.id, userId)));
    expect(await balance(client)).toBe(13);
  });

  it('needs no Origin (exempt from the CSRF check) but still refuses unsigned posts', async () => {
    const res = await t.request(`/api/billing/stripe/webhook`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('bad_signature');
  });

  it('acknowledges event types it does not handle', async () => {
    expect(await json(await deliver(event('customer.created', { id: 'cus_1', object: 'customer' })))).toEqual({ received: true, outcome: 'ignored' });
  });
});

describe('order failures', () => {
  it('marks an order failed when the async payment fails or the session expires', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const a = (await buy(client, 'pack-10')).order;
    const b = (await buy(client, 'pack-10')).order;
    await deliver(event('checkout.session.completed', completedSession(a.id, userId, { payment_status: 'unpaid' })));
    await deliver(event('checkout.session.async_payment_failed', completedSession(a.id, userId, { payment_status: 'unpaid' })));
    await deliver(event('checkout.session.expired', completedSession(b.id, userId, { payment_status: 'unpaid', status: 'expired' })));
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders.map((o: { id: string; status: string }) => [o.id, o.status]).sort()).toEqual([
      [a.id, 'failed'],
      [b.id, 'failed'],
    ].sort());
    expect(await balance(client)).toBe(3);
  });

  it('answers 502 and marks the order failed when Stripe cannot start the checkout', async () => {
    const broken = await startTestServer({
      env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_WEBHOOK_SECRET: webhookSecret },
      deps: {
        stripe: new Stripe('sk_test_fake', {
          maxNetworkRetries: 0,
          httpClient: Stripe.createFetchHttpClient(async () => new Response('{"error":{"message":"down","type":"api_error"}}', { status: 500 })),
        }),
      },
    });
    try {
      const client = new Client(broken);
      await client.signUp();
      const original = console.error;
      console.error = () => {};
      const res = await client.post('/api/billing/orders', { product: 'pack-10' }).finally(() => (console.error = original));
      expect(res.status).toBe(502);
      expect(await errorCode(res)).toBe('payment_provider');
      const { orders } = await json(await client.get('/api/billing/orders'));
      expect(orders[0].status).toBe('failed');
    } finally {
      await broken.close();
    }
  });
});

describe('refunds', () => {
  it('a full refund marks the order refunded and takes back the credits that are left, once', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'pack-10');
    await deliver(event('checkout.session.completed', completedSession(order.id, userId, { payment_intent: 'pi_test_refund' })));
    expect(await balance(client)).toBe(13);
    // Some credits are already spent; the refund takes what it can and never goes below zero.
    for (let i = 0; i < 5; i++) await client.post('/api/credits/spend', { idempotencyKey: `refund-test-${i}-${userId}`, width: 2000, height: 2000 });
    expect(await balance(client)).toBe(8);
    const partial = { id: 'ch_test_1', object: 'charge', payment_intent: 'pi_test_refund', refunded: false, amount_refunded: 100 };
    expect(await json(await deliver(event('charge.refunded', partial)))).toMatchObject({ outcome: 'ignored' });
    const fullRefund = { ...partial, refunded: true, amount_refunded: 300 };
    expect(await json(await deliver(event('charge.refunded', fullRefund)))).toMatchObject({ outcome: 'processed' });
    expect(await balance(client)).toBe(0);
    await deliver(event('charge.refunded', fullRefund));
    expect(await balance(client)).toBe(0);
    const { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders[0]).toMatchObject({ id: order.id, status: 'refunded' });
    const rows = (await sqlRows(t.db, "select delta, reference from credit_ledger where user_id = ? and kind = 'refund'", userId));
    expect(rows).toEqual([{ delta: -8, reference: `order:${order.id}` }]);
  });
});

describe('membership through Stripe', () => {
  it('grants on each paid period once, records renewals and failures, and cancels at the period end', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'membership-monthly');
    const subscription = 'sub_test_renewals';
    const start = t.clock.time;

    await deliver(
      event('checkout.session.completed', {
        ...completedSession(order.id, userId),
        mode: 'subscription',
        subscription,
        metadata: { orderId: order.id, userId, productId: 'membership-monthly' },
      }),
    );
    // The membership exists; its credits come with the first invoice.
    expect(await balance(client)).toBe(3);
    let { membership } = await json(await client.get('/api/billing/membership'));
    expect(membership).toMatchObject({ status: 'active', provider: 'stripe', renews: true });

    const first = invoice({ id: 'in_first', subscription, userId, orderId: order.id, start, reason: 'subscription_create' });
    expect(await json(await deliver(event('invoice.paid', first)))).toMatchObject({ outcome: 'processed' });
    expect(await balance(client)).toBe(103);
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.currentPeriodEnd).toBe(new Date(start + 30 * day).toISOString());
    // The same invoice again under a new event id (Stripe also sends invoice.paid after a retry): no second grant.
    await deliver(event('invoice.paid', first));
    expect(await balance(client)).toBe(103);

    // Renewal a month later.
    t.clock.advance(30 * day);
    const second = invoice({ id: 'in_second', subscription, userId, start: start + 30 * day, reason: 'subscription_cycle' });
    const renewal = event('invoice.paid', second);
    await deliver(renewal);
    expect(await json(await deliver(renewal))).toMatchObject({ outcome: 'duplicate' });
    await deliver(event('invoice.paid', second));
    expect(await balance(client)).toBe(203);

    // The next renewal fails: past due, a failed order; paid on Stripe's retry: one grant.
    t.clock.advance(30 * day);
    const third = invoice({ id: 'in_third', subscription, userId, start: start + 60 * day, reason: 'subscription_cycle' });
    await deliver(event('invoice.payment_failed', third));
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.status).toBe('past_due');
    let { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders.map((o: { status: string }) => o.status)).toEqual(['failed', 'paid', 'paid']);
    await deliver(event('invoice.paid', third));
    expect(await balance(client)).toBe(303);
    ({ orders } = await json(await client.get('/api/billing/orders')));
    expect(orders.map((o: { status: string }) => o.status)).toEqual(['paid', 'paid', 'paid']);
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.status).toBe('active');
    const periodEnd = start + 90 * day;
    expect(membership.currentPeriodEnd).toBe(new Date(periodEnd).toISOString());

    // Cancel: Stripe is told to stop at the period end; the membership stays until then.
    stripeCalls.length = 0;
    const cancel = await client.post('/api/billing/membership/cancel');
    expect(cancel.status).toBe(200);
    expect((await json(cancel)).membership).toMatchObject({ status: 'cancelled', renews: false });
    expect(stripeCalls).toHaveLength(1);
    expect(stripeCalls[0]!.path).toBe(`/v1/subscriptions/${subscription}`);
    expect(stripeCalls[0]!.body.get('cancel_at_period_end')).toBe('true');
    await deliver(
      event('customer.subscription.updated', {
        id: subscription,
        object: 'subscription',
        status: 'active',
        cancel_at_period_end: true,
        items: { data: [{ current_period_end: periodEnd / 1000 }] },
      }),
    );
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership).toMatchObject({ status: 'cancelled', currentPeriodEnd: new Date(periodEnd).toISOString() });

    // At the period end Stripe deletes the subscription: expired, no further credits.
    t.clock.time = periodEnd + 1000;
    await deliver(event('customer.subscription.deleted', { id: subscription, object: 'subscription', status: 'canceled' }));
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.status).toBe('expired');
    expect(await balance(client)).toBe(303);
    const grants = (await sqlRows(t.db, "select count(*) as n from credit_ledger where user_id = ? and kind = 'membership'", userId))[0] as { n: number };
    expect(grants.n).toBe(3);
  });

  it('keeps a membership deleted early (e.g. from the Stripe dashboard) until its period ends', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await buy(client, 'membership-monthly');
    const subscription = 'sub_test_early';
    // invoice.paid can arrive before checkout.session.completed: the metadata finds the account and the order.
    await deliver(event('invoice.paid', invoice({ id: 'in_early', subscription, userId, orderId: order.id, start: t.clock.time, reason: 'subscription_create' })));
    expect(await balance(client)).toBe(103);
    let { orders } = await json(await client.get('/api/billing/orders'));
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: order.id, status: 'paid' });
    await deliver(event('checkout.session.completed', { ...completedSession(order.id, userId), mode: 'subscription', subscription }));
    expect(await balance(client)).toBe(103);
    ({ orders } = await json(await client.get('/api/billing/orders')));
    expect(orders).toHaveLength(1);

    t.clock.advance(3 * day);
    await deliver(event('customer.subscription.deleted', { id: subscription, object: 'subscription', status: 'canceled' }));
    let { membership } = await json(await client.get('/api/billing/membership'));
    expect(membership).toMatchObject({ status: 'cancelled', renews: false });
    t.clock.advance(28 * day);
    ({ membership } = await json(await client.get('/api/billing/membership')));
    expect(membership.status).toBe('expired');
  });
});

describe('with Stripe on', () => {
  it('turns the local TEST MODE checkout off, even for local orders left from before', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    (await sqlRows(t.db, "insert into orders (id, user_id, product, credits, amount, currency, status, provider) values ('ord_old_local', ?, 'pack-200', 200, 4000, 'usd', 'created', 'local')", userId));
    expect((await client.get('/billing/local/ord_old_local')).status).toBe(404);
    const confirm = await client.request('POST', '/billing/local/ord_old_local/confirm', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(confirm.status).toBe(404);
    expect(await balance(client)).toBe(3);
  });

  it('deleting an account ends its Stripe subscription at once; if Stripe is unreachable the account is kept', async () => {
    for (const [subscription, expected] of [
      ['sub_test_deleted', 204],
      ['sub_unreachable_1', 502],
    ] as const) {
      const client = new Client(t);
      const { userId, password } = await client.signUp();
      const { order } = await buy(client, 'membership-monthly');
      await deliver(event('invoice.paid', invoice({ id: `in_${subscription}`, subscription, userId, orderId: order.id, start: t.clock.time, reason: 'subscription_create' })));
      stripeCalls.length = 0;
      const original = console.error;
      console.error = () => {};
      const res = await client.delete('/api/me', { password }).finally(() => (console.error = original));
      expect(res.status).toBe(expected);
      expect(stripeCalls.some((call) => call.method === 'DELETE' && call.path === `/v1/subscriptions/${subscription}`)).toBe(true);
      const users = (await sqlRows(t.db, 'select count(*) as n from users where id = ?', userId))[0] as { n: number };
      expect(users.n).toBe(expected === 204 ? 0 : 1);
      if (expected === 502) expect(await errorCode(res)).toBe('payment_provider');
      const status = (await sqlRows(t.db, 'select status from memberships where provider_ref = ?', subscription))[0] as { status: string };
      expect(status.status).toBe(expected === 204 ? 'expired' : 'active');
    }
  });
});
