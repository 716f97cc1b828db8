/** The payment provider interface and the `local` test-mode provider. */
import type { User } from '../db/schema.ts';
import type { MembershipRow } from './memberships.ts';
import type { OrderRow } from './orders.ts';
import type { Product } from './products.ts';

/** Where to send the person to pay, and the provider's reference for the order (if it has one yet). */
export interface CheckoutStart {
  checkoutUrl: string;
  providerRef: string | null;
}

/** One way of taking payments. Fulfilment comes back separately (the test page, or a verified webhook). */
export interface PaymentProvider {
  readonly name: 'local' | 'stripe';
  /** Starts paying for a freshly created order. */
  startCheckout(input: { order: OrderRow; product: Product; user: User; origin: string }): Promise<CheckoutStart>;
  /** Stops renewals; the membership lasts until its period ends. */
  cancelMembership(membership: MembershipRow): Promise<void>;
  /** Ends the membership's billing at once (the account is being deleted). */
  endMembershipNow(membership: MembershipRow): Promise<void>;
}

/** Where the PWA shows an order's outcome after checkout. */
export function returnUrl(origin: string, orderId: string, outcome: 'done' | 'cancelled'): string {
  return `${origin}/account?order=${encodeURIComponent(orderId)}&payment=${outcome}`;
}

/**
 * The default provider, for self-hosting and development: no money moves. The order is
 * confirmed by its owner on /billing/local/:orderId, a page marked TEST MODE.
 */
export function createLocalProvider(): PaymentProvider {
  return {
    name: 'local',
    async startCheckout({ order, origin }) {
      return { checkoutUrl: `${origin}/billing/local/${order.id}`, providerRef: null };
    },
    async cancelMembership() {
      // Nothing outside to tell: renewals are ours (settleMemberships), and a cancelled one does not renew.
    },
    async endMembershipNow() {
      // Likewise: an unlinked local membership grants nothing and is never charged.
    },
  };
}
