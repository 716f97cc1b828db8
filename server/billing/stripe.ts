/** The `stripe` provider: Checkout sessions through the official SDK; fulfilment arrives by webhook (stripe-webhook.ts). */
import Stripe from 'stripe';
import type { MembershipRow } from './memberships.ts';
import { returnUrl, type PaymentProvider } from './provider.ts';

/** A Stripe client for the secret key; tests pass `httpClient` to answer without the network. */
export function createStripeClient(secretKey: string, httpClient?: Stripe.HttpClient): Stripe {
  return new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 20_000, ...(httpClient ? { httpClient } : {}) });
}

/** Checkout sessions with inline prices (no products to set up in the Stripe dashboard). */
export function createStripeProvider(stripe: Stripe): PaymentProvider {
  return {
    name: 'stripe',
    async startCheckout({ order, product, user, origin }) {
      const metadata = { orderId: order.id, userId: user.id, productId: product.id };
      const membership = product.kind === 'membership';
      const session = await stripe.checkout.sessions.create(
        {
          mode: membership ? 'subscription' : 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: product.currency,
                unit_amount: product.amount,
                product_data: { name: `clearcut: ${product.name}` },
                ...(membership ? { recurring: { interval: 'month' as const } } : {}),
              },
            },
          ],
          client_reference_id: order.id,
          metadata,
          // Renewal invoices carry the subscription's metadata, which is how they find the account.
          ...(membership ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
          success_url: returnUrl(origin, order.id, 'done'),
          cancel_url: returnUrl(origin, order.id, 'cancelled'),
        },
        // A retried request for the same order never opens a second session.
        { idempotencyKey: `checkout-${order.id}` },
      );
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
      return { checkoutUrl: session.url, providerRef: session.id };
    },
    async cancelMembership(membership: MembershipRow) {
      if (!membership.providerRef) return;
      await stripe.subscriptions.update(membership.providerRef, { cancel_at_period_end: true });
    },
    async endMembershipNow(membership: MembershipRow) {
      if (!membership.providerRef) return;
      try {
        await stripe.subscriptions.cancel(membership.providerRef);
      } catch (err) {
        // Already cancelled or deleted in Stripe: nothing left to stop.
        if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === 'resource_missing')) return;
        throw err;
      }
    },
  };
}
