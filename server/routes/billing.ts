/** /api/billing: products, orders, the membership, and Stripe's webhook. */
import { Hono } from 'hono';
import { getCurrentMembership, getLatestMembership, setMembershipStatus, settleMemberships, toMembershipView } from '../billing/memberships.ts';
import { createOrder, listUserOrders, markOrderFailed, setOrderProviderRef, toOrderView } from '../billing/orders.ts';
import { findProduct, listProducts, membershipProduct } from '../billing/products.ts';
import { providerNamed } from '../billing/providers.ts';
import { handleStripeEvent } from '../billing/stripe-webhook.ts';
import { appOrigin } from '../config.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { requireUser, requireVerifiedEmail } from '../middleware/session.ts';
import { requirePoliciesAccepted } from '../policies/gate.ts';
import type { RouteDeps } from '../deps.ts';
import { orderSchema } from './schemas.ts';
import { jsonBody } from './validate.ts';

/** Stripe's signed timestamp may be at most this old (the SDK's default, five minutes). */
const webhookToleranceSeconds = 300;

/** The billing sub-app, mounted at /api/billing. */
export function billingRoutes(deps: RouteDeps) {
  const { db, config, payments } = deps;
  const membership = membershipProduct(config.billing);

  return new Hono<AppEnv>()
    .get('/products', async (c) =>
      c.json({ provider: payments.provider.name, testMode: payments.provider.name === 'local', products: listProducts(config.billing) }, 200),
    )
    .post('/orders', requireVerifiedEmail, jsonBody(orderSchema), async (c) => {
      const { user } = requireUser(c);
      await requirePoliciesAccepted(db, user.id, deps.policies);
      const product = findProduct(config.billing, c.req.valid('json').product);
      if (!product) return c.json(errorBody('invalid', 'No such product.'), 422);
      const now = deps.now();
      if (product.kind === 'membership') {
        await settleMemberships(db, { now, product: membership, userId: user.id });
        const current = await getCurrentMembership(db, user.id);
        if (current && current.status !== 'cancelled') {
          return c.json(errorBody('membership_active', 'You already have a membership.'), 409);
        }
      }
      const order = await createOrder(db, { userId: user.id, product, provider: payments.provider.name, now });
      let checkout;
      try {
        checkout = await payments.provider.startCheckout({ order, product, user, origin: appOrigin(config, c.req.url) });
      } catch (err) {
        console.error(`[clearcut] ${payments.provider.name} checkout for ${order.id} failed:`, err);
        await markOrderFailed(db, order.id, deps.now());
        return c.json(errorBody('payment_provider', 'The payment provider could not start the checkout. Try again later.'), 502);
      }
      if (checkout.providerRef) await setOrderProviderRef(db, order.id, checkout.providerRef, deps.now());
      return c.json({ order: toOrderView({ ...order, providerRef: checkout.providerRef }), checkoutUrl: checkout.checkoutUrl }, 201);
    })
    .get('/orders', async (c) => {
      const { user } = requireUser(c);
      return c.json({ orders: (await listUserOrders(db, user.id)).map(toOrderView) }, 200);
    })
    .get('/membership', async (c) => {
      const { user } = requireUser(c);
      await settleMemberships(db, { now: deps.now(), product: membership, userId: user.id });
      const row = await getLatestMembership(db, user.id);
      return c.json({ membership: row ? toMembershipView(row) : null }, 200);
    })
    .post('/membership/cancel', async (c) => {
      const { user } = requireUser(c);
      const row = await getCurrentMembership(db, user.id);
      if (!row) return c.json(errorBody('no_membership', 'There is no membership to cancel.'), 404);
      if (row.status !== 'cancelled') {
        // The provider that took the membership's payments, even if the server has switched since.
        const provider = providerNamed(payments, row.provider);
        if (!provider) return c.json(errorBody('payment_provider', 'Stripe is not configured on this server.'), 502);
        try {
          await provider.cancelMembership(row);
        } catch (err) {
          console.error(`[clearcut] cancelling ${row.provider} membership ${row.id} failed:`, err);
          return c.json(errorBody('payment_provider', 'The payment provider could not cancel the membership. Try again later.'), 502);
        }
        await setMembershipStatus(db, row.id, 'cancelled', deps.now());
      }
      return c.json({ membership: toMembershipView((await getLatestMembership(db, user.id))!) }, 200);
    })
    .post('/stripe/webhook', async (c) => {
      const secret = config.billing.stripeWebhookSecret;
      if (!payments.stripe || !secret) return c.json(errorBody('not_found', 'Stripe is not configured on this server.'), 404);
      const signature = c.req.header('stripe-signature');
      if (!signature) return c.json(errorBody('bad_signature', 'The Stripe-Signature header is missing.'), 400);
      const payload = await c.req.text();
      let event;
      try {
        event = payments.stripe.webhooks.constructEvent(payload, signature, secret, webhookToleranceSeconds, undefined, deps.now().getTime());
      } catch {
        // Tampered body, wrong secret, or a replay older than the tolerance.
        return c.json(errorBody('bad_signature', 'The webhook signature is not valid.'), 400);
      }
      const outcome = await handleStripeEvent(db, event, { now: deps.now(), membership });
      return c.json({ received: true as const, outcome }, 200);
    });
}
