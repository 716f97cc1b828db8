/**
 * The `local` provider's checkout page, /billing/local/:orderId: a server-rendered page marked
 * TEST MODE where the order's owner confirms (or cancels) it. No money moves. The form posts
 * to the same origin, so the CSRF check and the session cookie apply as to any write.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { createLocalProvider } from '../billing/provider.ts';
import { addMonths, ensureMembership, getCurrentMembership, recordPaidPeriod } from '../billing/memberships.ts';
import { getUserOrder, markOrderFailed, markOrderPaid, type OrderRow } from '../billing/orders.ts';
import { findProduct, membershipProduct } from '../billing/products.ts';
import { returnUrl } from '../billing/provider.ts';
import { inTransaction } from '../credits/ledger.ts';
import { appOrigin } from '../config.ts';
import type { AppEnv } from '../env.ts';
import type { RouteDeps } from '../deps.ts';

const money = (amount: number, currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
};

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>TEST MODE · ${title} · clearcut</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  .banner { background: #ffd60a; color: #000; border: 3px dashed #000; padding: .75rem 1rem; font-weight: 700; text-align: center; letter-spacing: .05em; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  form { display: inline; }
  button { font: inherit; padding: .5rem 1rem; margin: 1rem .5rem 0 0; cursor: pointer; }
  button.confirm { background: #0a7d2c; color: #fff; border: 0; border-radius: .25rem; }
</style>
</head>
<body>
<p class="banner" role="alert">TEST MODE: no real payment is taken</p>
<h1>${title}</h1>
${body}
</body>
</html>`;
}

/** The local checkout page and its confirm/cancel actions. Served only when PAYMENT_PROVIDER=local. */
export function localBillingRoutes(deps: RouteDeps) {
  const { db, config } = deps;
  const provider = createLocalProvider();
  const plan = membershipProduct(config.billing);

  /** The signed-in person's local order, or a response explaining why not. */
  const findOrder = async (userId: string | undefined, orderId: string): Promise<OrderRow | null> => {
    if (!userId) return null;
    const order = await getUserOrder(db, userId, orderId);
    return order && order.provider === provider.name ? order : null;
  };

  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      // With real payments on, nothing may be confirmed for free (not even local orders left from before).
      if (config.billing.provider !== 'local') return c.html(page('Not available', html`<p>This server takes real payments; the test checkout is off.</p>`), 404);
      await next();
    })
    .get('/:orderId', async (c) => {
      c.header('Cache-Control', 'no-store');
      const user = c.get('user');
      if (!user) {
        return c.html(page('Sign in first', html`<p>Sign in to clearcut in this browser, then open this page again.</p><p><a href="/signin">Sign in</a></p>`), 401);
      }
      const order = await findOrder(user.id, c.req.param('orderId'));
      if (!order) return c.html(page('No such order', html`<p>This order does not exist or is not yours.</p><p><a href="/account">Back to your account</a></p>`), 404);
      const product = findProduct(config.billing, order.product);
      const details = html`<dl>
  <dt>Order</dt><dd>${order.id}</dd>
  <dt>Product</dt><dd>${product?.name ?? order.product}</dd>
  <dt>Price</dt><dd>${money(order.amount, order.currency)}${product?.interval ? ' a month' : ''}</dd>
  <dt>Status</dt><dd>${order.status}</dd>
</dl>`;
      if (order.status !== 'created') {
        return c.html(page('Order ' + order.status, html`${details}<p><a href="${returnUrl('', order.id, 'done')}">Back to clearcut</a></p>`), 200);
      }
      return c.html(
        page(
          'Confirm your order',
          html`${details}
<p>This server uses the <strong>local</strong> payment provider, for development and self-hosting. Confirming marks the order paid and adds the credits; nothing is charged.</p>
<form method="post" action="/billing/local/${order.id}/confirm"><button class="confirm" type="submit">Confirm test payment</button></form>
<form method="post" action="/billing/local/${order.id}/cancel"><button type="submit">Cancel</button></form>`,
        ),
        200,
      );
    })
    .post('/:orderId/confirm', async (c) => {
      const user = c.get('user');
      const order = await findOrder(user?.id, c.req.param('orderId'));
      if (!user || !order) return c.html(page('No such order', html`<p>This order does not exist or is not yours.</p>`), 404);
      const now = deps.now();
      if (order.product === plan.id && order.status === 'created') {
        const current = await getCurrentMembership(db, user.id);
        if (current && current.status !== 'cancelled') {
          // Two membership orders opened side by side: only the first one confirmed counts.
          await markOrderFailed(db, order.id, now);
          return c.html(page('You already have a membership', html`<p>This order was not needed and has been cancelled; nothing was charged.</p><p><a href="/account">Back to your account</a></p>`), 409);
        }
      }
      await inTransaction(db, async (tx) => {
        const paid = await markOrderPaid(tx, order.id, now);
        if (!paid?.newlyPaid || order.product !== plan.id) return;
        const end = addMonths(now, 1);
        const membership = await ensureMembership(tx, {
          userId: user.id,
          plan: plan.id,
          provider: provider.name,
          providerRef: order.id,
          currentPeriodEnd: end,
          now,
        });
        await recordPaidPeriod(tx, membership, { periodStart: now, periodEnd: end, credits: order.credits, now });
      });
      return c.redirect(returnUrl(appOrigin(config, c.req.url), order.id, 'done'), 303);
    })
    .post('/:orderId/cancel', async (c) => {
      const user = c.get('user');
      const order = await findOrder(user?.id, c.req.param('orderId'));
      if (!user || !order) return c.html(page('No such order', html`<p>This order does not exist or is not yours.</p>`), 404);
      await markOrderFailed(db, order.id, deps.now());
      return c.redirect(returnUrl(appOrigin(config, c.req.url), order.id, 'cancelled'), 303);
    });
}
