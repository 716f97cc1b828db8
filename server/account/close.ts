/** Closing an account, the same steps whoever asks: the person themselves (DELETE /api/me) or an admin (a child's account). */
import { endMembershipForDeletion } from '../billing/providers.ts';
import type { AvatarStore } from '../avatars/store.ts';
import type { Db } from '../db/client.ts';
import type { PaymentProvider } from '../billing/provider.ts';
import type Stripe from 'stripe';
import { deleteAccount } from './deletion.ts';

/**
 * Ends a running membership with its provider first (a deleted account is never charged again),
 * then deletes the account (deletion.ts) and its avatar. `payment_provider` when the provider
 * could not be reached: the account is kept, to be closed again later.
 */
export async function closeAccount(
  deps: { db: Db; payments: { provider: PaymentProvider; stripe: Stripe | null }; now: () => Date; avatars: AvatarStore },
  userId: string,
): Promise<'closed' | 'payment_provider'> {
  if (!(await endMembershipForDeletion(deps.db, deps.payments, userId, deps.now()))) return 'payment_provider';
  const deleted = await deleteAccount(deps.db, userId);
  await deps.avatars.remove(deleted?.avatarKey ?? null);
  return 'closed';
}
