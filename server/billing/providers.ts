/** Picks the provider that took a membership's or order's payments, even if the server has switched provider since. */
import type Stripe from 'stripe';
import type { Db } from '../db/client.ts';
import { getCurrentMembership, setMembershipStatus } from './memberships.ts';
import { createLocalProvider, type PaymentProvider } from './provider.ts';
import { createStripeProvider } from './stripe.ts';

/** The provider named `name`: the configured one when it matches; null for Stripe without its keys. */
export function providerNamed(payments: { provider: PaymentProvider; stripe: Stripe | null }, name: string): PaymentProvider | null {
  if (name === payments.provider.name) return payments.provider;
  if (name === 'stripe') return payments.stripe ? createStripeProvider(payments.stripe) : null;
  return createLocalProvider();
}

/**
 * Before an account is deleted: ends the billing of its membership at once, so a deleted
 * account is never charged again. False when the provider could not be reached (the
 * deletion should then wait, rather than leave a subscription running).
 */
export async function endMembershipForDeletion(
  db: Db,
  payments: { provider: PaymentProvider; stripe: Stripe | null },
  userId: string,
  now: Date,
): Promise<boolean> {
  const membership = await getCurrentMembership(db, userId);
  if (!membership) return true;
  const provider = providerNamed(payments, membership.provider);
  if (!provider) return false;
  try {
    await provider.endMembershipNow(membership);
  } catch (err) {
    console.error(`[clearcut] ending ${membership.provider} membership ${membership.id} before deletion failed:`, err);
    return false;
  }
  await setMembershipStatus(db, membership.id, 'expired', now);
  return true;
}
