/**
 * Stripe's webhook events, applied to orders, memberships and the ledger. Each event is
 * handled in one transaction together with recording its id, so a redelivered event is a
 * no-op and a failure part-way leaves nothing behind (Stripe then retries it).
 *
 * Objects are read field by field rather than through the SDK's types, because the shape
 * moved between API versions (an invoice's subscription is `invoice.subscription` before
 * 2025-03-31 and `invoice.parent.subscription_details.subscription` since).
 */
import { inTransaction } from '../credits/ledger.ts';
import type { Db } from '../db/client.ts';
import { webhookEvents } from '../db/schema.ts';
import {
  addMonths,
  ensureMembership,
  findMembershipByRef,
  recordPaidPeriod,
  setMembershipPeriodEnd,
  setMembershipStatus,
} from './memberships.ts';
import {
  findOrderByPaymentRef,
  getOrder,
  markOrderFailed,
  markOrderPaid,
  markOrderRefunded,
  recordRenewalOrder,
  setOrderPaymentRef,
} from './orders.ts';
import type { Product } from './products.ts';

/** The parts of a verified Stripe event this module reads. */
export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: unknown };
}

/** What happened to an event. */
export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** A Stripe reference that may be expanded into an object. */
const ref = (v: unknown): string | undefined => str(v) ?? str(obj(v).id);
const seconds = (v: unknown): Date | undefined => {
  const n = num(v);
  return n === undefined ? undefined : new Date(n * 1000);
};

const handled = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
]);

/** Applies one verified event; `duplicate` when its id was seen before. */
export async function handleStripeEvent(db: Db, event: StripeEventLike, ctx: { now: Date; membership: Product }): Promise<WebhookOutcome> {
  const { now } = ctx;
  return await inTransaction(db, async (tx): Promise<WebhookOutcome> => {
    const inserted = await tx
      .insert(webhookEvents)
      .values({ provider: 'stripe', eventId: event.id, type: event.type, processedAt: now })
      .onConflictDoNothing()
      .run();
    const fresh = inserted.changes > 0;
    if (!fresh) return 'duplicate';
    if (!handled.has(event.type)) return 'ignored';
    const o = obj(event.data.object);
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return await checkoutPaid(tx, o, ctx);
      case 'checkout.session.async_payment_failed':
      case 'checkout.session.expired': {
        const orderId = str(obj(o.metadata).orderId) ?? str(o.client_reference_id);
        return orderId && (await markOrderFailed(tx, orderId, now)) ? 'processed' : 'ignored';
      }
      case 'invoice.paid':
        return await invoicePaid(tx, o, ctx);
      case 'invoice.payment_failed':
        return await invoiceFailed(tx, o, ctx);
      case 'customer.subscription.updated':
        return await subscriptionUpdated(tx, o, now);
      case 'customer.subscription.deleted':
        return await subscriptionDeleted(tx, o, now);
      case 'charge.refunded':
        return await chargeRefunded(tx, o, now);
      default:
        return 'ignored';
    }
  });
}

async function checkoutPaid(db: Db, session: Obj, ctx: { now: Date; membership: Product }): Promise<WebhookOutcome> {
  const orderId = str(obj(session.metadata).orderId) ?? str(session.client_reference_id);
  // Bank debits and the like complete the session unpaid; async_payment_succeeded follows.
  if (!orderId || !['paid', 'no_payment_required'].includes(str(session.payment_status) ?? '')) return 'ignored';
  const order = await getOrder(db, orderId);
  if (!order) return 'ignored';
  await markOrderPaid(db, orderId, ctx.now);
  const paymentIntent = ref(session.payment_intent);
  if (paymentIntent) await setOrderPaymentRef(db, orderId, paymentIntent, ctx.now);
  const subscriptionId = ref(session.subscription);
  if (str(session.mode) === 'subscription' && subscriptionId && order.userId) {
    // The credits come with invoice.paid (sent for the first invoice too); here the membership
    // starts to exist, with a provisional period end until that invoice says the real one.
    await ensureMembership(db, {
      userId: order.userId,
      plan: ctx.membership.id,
      provider: 'stripe',
      providerRef: subscriptionId,
      currentPeriodEnd: addMonths(ctx.now, 1),
      now: ctx.now,
    });
  }
  return 'processed';
}

/** The subscription id and its metadata on an invoice, in old and new API shapes. */
function invoiceSubscription(invoice: Obj): { subscriptionId?: string; metadata: Obj } {
  const details = obj(obj(invoice.parent).subscription_details);
  const line = obj(obj(invoice.lines).data && (obj(invoice.lines).data as unknown[])[0]);
  const subscriptionId =
    ref(details.subscription) ??
    ref(invoice.subscription) ??
    ref(obj(obj(line.parent).subscription_item_details).subscription) ??
    ref(line.subscription);
  const metadata = { ...obj(line.metadata), ...obj(obj(invoice.subscription_details).metadata), ...obj(details.metadata) };
  return { subscriptionId, metadata };
}

/** The billed period of an invoice: its first line's period (the invoice's own period_* lag one cycle). */
function invoicePeriod(invoice: Obj): { start: Date; end: Date } | undefined {
  const lines = obj(invoice.lines).data;
  if (!Array.isArray(lines)) return undefined;
  for (const line of lines) {
    const period = obj(obj(line).period);
    const start = seconds(period.start);
    const end = seconds(period.end);
    if (start && end && end > start) return { start, end };
  }
  return undefined;
}

async function invoicePaid(db: Db, invoice: Obj, ctx: { now: Date; membership: Product }): Promise<WebhookOutcome> {
  const { subscriptionId, metadata } = invoiceSubscription(invoice);
  const period = invoicePeriod(invoice);
  const invoiceId = str(invoice.id);
  if (!subscriptionId || !period || !invoiceId) return 'ignored';
  let membership = await findMembershipByRef(db, 'stripe', subscriptionId);
  if (!membership) {
    // invoice.paid can arrive before checkout.session.completed; the metadata names the account.
    const userId = str(metadata.userId);
    if (!userId) return 'ignored';
    const orderId = str(metadata.orderId);
    if (orderId) await markOrderPaid(db, orderId, ctx.now);
    membership = await ensureMembership(db, {
      userId,
      plan: ctx.membership.id,
      provider: 'stripe',
      providerRef: subscriptionId,
      currentPeriodEnd: period.end,
      now: ctx.now,
    });
  }
  await recordStripeRenewal(db, invoice, membership.userId, 'paid', ctx);
  await recordPaidPeriod(db, membership, { periodStart: period.start, periodEnd: period.end, credits: ctx.membership.credits, now: ctx.now });
  return 'processed';
}

async function invoiceFailed(db: Db, invoice: Obj, ctx: { now: Date; membership: Product }): Promise<WebhookOutcome> {
  const { subscriptionId } = invoiceSubscription(invoice);
  const invoiceId = str(invoice.id);
  if (!subscriptionId || !invoiceId) return 'ignored';
  const membership = await findMembershipByRef(db, 'stripe', subscriptionId);
  if (!membership) return 'ignored';
  if (membership.status === 'active') await setMembershipStatus(db, membership.id, 'past_due', ctx.now);
  await recordStripeRenewal(db, invoice, membership.userId, 'failed', ctx);
  return 'processed';
}

/**
 * Every renewal invoice, paid or failed, is an order of its own; the first invoice is the
 * checkout's order and is left alone.
 */
async function recordStripeRenewal(
  db: Db,
  invoice: Obj,
  userId: string | null,
  status: 'paid' | 'failed',
  ctx: { now: Date; membership: Product },
): Promise<void> {
  if (str(invoice.billing_reason) === 'subscription_create') return;
  await recordRenewalOrder(db, {
    userId,
    product: ctx.membership,
    provider: 'stripe',
    providerRef: str(invoice.id)!,
    amount: num(status === 'paid' ? invoice.amount_paid : invoice.amount_due) ?? ctx.membership.amount,
    currency: str(invoice.currency) ?? ctx.membership.currency,
    status,
    now: ctx.now,
  });
}

/** A subscription's current period end, in old (top level) and new (per item) API shapes. */
function subscriptionPeriodEnd(subscription: Obj): Date | undefined {
  const items = obj(subscription.items).data;
  const item = Array.isArray(items) ? obj(items[0]) : {};
  return seconds(subscription.current_period_end) ?? seconds(item.current_period_end);
}

async function subscriptionUpdated(db: Db, subscription: Obj, now: Date): Promise<WebhookOutcome> {
  const id = str(subscription.id);
  const membership = id ? await findMembershipByRef(db, 'stripe', id) : undefined;
  if (!membership || membership.status === 'expired') return 'ignored';
  const end = subscriptionPeriodEnd(subscription);
  if (end && end > membership.currentPeriodEnd) await setMembershipPeriodEnd(db, membership.id, end, now);
  const stripeStatus = str(subscription.status);
  const cancelling = subscription.cancel_at_period_end === true || num(subscription.cancel_at) !== undefined;
  if (cancelling) await setMembershipStatus(db, membership.id, 'cancelled', now);
  else if (stripeStatus === 'past_due' || stripeStatus === 'unpaid') await setMembershipStatus(db, membership.id, 'past_due', now);
  else if (stripeStatus === 'active' || stripeStatus === 'trialing') await setMembershipStatus(db, membership.id, 'active', now);
  return 'processed';
}

async function subscriptionDeleted(db: Db, subscription: Obj, now: Date): Promise<WebhookOutcome> {
  const id = str(subscription.id);
  const membership = id ? await findMembershipByRef(db, 'stripe', id) : undefined;
  if (!membership || membership.status === 'expired') return 'ignored';
  // Even an immediate cancellation keeps what was paid for: the membership ends with its period.
  await setMembershipStatus(db, membership.id, now < membership.currentPeriodEnd ? 'cancelled' : 'expired', now);
  return 'processed';
}

async function chargeRefunded(db: Db, charge: Obj, now: Date): Promise<WebhookOutcome> {
  // Partial refunds leave the order paid and its credits in place; only a full refund undoes it.
  if (charge.refunded !== true) return 'ignored';
  const paymentIntent = ref(charge.payment_intent);
  const order =
    (paymentIntent ? await findOrderByPaymentRef(db, 'stripe', paymentIntent) : undefined) ??
    (str(obj(charge.metadata).orderId) ? await getOrder(db, str(obj(charge.metadata).orderId)!) : undefined);
  if (!order || order.provider !== 'stripe') return 'ignored';
  return (await markOrderRefunded(db, order.id, now)) ? 'processed' : 'ignored';
}
