/** Admin credit adjustments: grant and deduct with a reason, as `adjust` ledger rows; never below zero; through the CLI too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCredits, refundOrder } from '../../server/admin.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { Client, json, startTestServer, uniqueEmail, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function adjustRows(userId: string) {
  return (await sqlRows(t.db, "select delta, kind, reference, balance_after from credit_ledger where user_id = ? and kind = 'adjust' order by id", userId));
}

describe('adjustCredits', () => {
  it('grants and deducts with the reason in the ledger', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    expect(await adjustCredits(t.db, email.toUpperCase(), 10, 'support ticket 42', t.clock.now())).toEqual({ ok: true, message: expect.stringContaining('balance now 13') });
    expect((await adjustCredits(t.db, email, -4, 'chargeback', t.clock.now())).ok).toBe(true);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 9 });
    expect(await adjustRows(userId)).toEqual([
      { delta: 10, kind: 'adjust', reference: 'admin: support ticket 42', balance_after: 13 },
      { delta: -4, kind: 'adjust', reference: 'admin: chargeback', balance_after: 9 },
    ]);
  });

  it('refuses to deduct more than the balance, an empty reason, zero, and unknown accounts', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    const tooMuch = await adjustCredits(t.db, email, -4, 'too much', t.clock.now());
    expect(tooMuch.ok).toBe(false);
    expect(tooMuch.message).toMatch(/only 3 credits/);
    expect((await adjustCredits(t.db, email, 5, '   ', t.clock.now())).ok).toBe(false);
    expect((await adjustCredits(t.db, email, 0, 'nothing', t.clock.now())).ok).toBe(false);
    expect((await adjustCredits(t.db, uniqueEmail(), 5, 'nobody', t.clock.now())).ok).toBe(false);
    expect(await adjustRows(userId)).toEqual([]);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
  });
});

describe('refundOrder', () => {
  it('refunds a paid local order once, taking its credits back', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    const { order } = await json(await client.post('/api/billing/orders', { product: 'pack-10' }));
    expect(await refundOrder(t.db, order.id, t.clock.now())).toMatchObject({ ok: false, message: expect.stringContaining('not paid') });
    await client.request('POST', `/billing/local/${order.id}/confirm`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 13 });
    expect(await refundOrder(t.db, order.id, t.clock.now())).toEqual({ ok: true, message: `${order.id} refunded; 10 credits taken back.` });
    expect((await refundOrder(t.db, order.id, t.clock.now())).ok).toBe(false);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 3 });
    expect((await json(await client.get('/api/billing/orders'))).orders[0].status).toBe('refunded');
    expect((await sqlRows(t.db, "select delta from credit_ledger where user_id = ? and kind = 'refund'", userId))).toEqual([{ delta: -10 }]);
    expect((await refundOrder(t.db, 'ord_missing', t.clock.now())).ok).toBe(false);
  });
});

describe('npm run admin -- grant/deduct', () => {
  const cli = (...args: string[]) => runAdminCli(t.config, ...args);

  it('grants and deducts against the same database the server uses', async () => {
    const client = new Client(t);
    const { email, userId } = await client.signUp();
    const granted = await cli('grant', email, '25', 'launch', 'promo');
    expect(granted.code).toBe(0);
    expect(granted.stdout).toMatch(/Granted 25 credits .* balance now 28/);
    const deducted = await cli('deduct', email, '8', 'refund');
    expect(deducted.code).toBe(0);
    expect(await json(await client.get('/api/credits'))).toEqual({ balance: 20 });
    expect(await adjustRows(userId)).toEqual([
      { delta: 25, kind: 'adjust', reference: 'admin: launch promo', balance_after: 28 },
      { delta: -8, kind: 'adjust', reference: 'admin: refund', balance_after: 20 },
    ]);
    const refused = await cli('deduct', email, '100', 'too much');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/only 20 credits/);
    const noReason = await cli('grant', email, '5');
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/reason/);
    const badCount = await cli('grant', email, '-5', 'negative');
    expect(badCount.code).toBe(1);
  });
});
