/** Orders through their life: created, then paid (credits granted in the same transaction), failed or refunded. */
import { and, desc, eq } from 'drizzle-orm';
import { generateSecureRandomString } from '../lib/secrets.ts';
import { getBalance, grant, inTransaction, spend } from '../credits/ledger.ts';
import { firstRow, type Db } from '../db/client.ts';
import { orders } from '../db/schema.ts';
import { forUpdate } from '../db/transaction.ts';
import type { Product } from './products.ts';

/** An order row as stored. */
export type OrderRow = typeof orders.$inferSelect;
/** created → paid | failed; paid → refunded. */
export type OrderStatus = OrderRow['status'];

/** An order as the API shows it (no user id, no provider reference). */
export interface OrderView {
  id: string;
  product: string;
  credits: number;
  amount: number;
  currency: string;
  status: OrderStatus;
  provider: string;
  createdAt: string;
  updatedAt: string | null;
  paidAt: string | null;
}

/** The API shape of an order row. */
export function toOrderView(row: OrderRow): OrderView {
  return {
    id: row.id,
    product: row.product,
    credits: row.credits,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    provider: row.provider,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt?.toISOString() ?? null,
    paidAt: row.paidAt?.toISOString() ?? null,
  };
}

/** Records a new order in status `created`. */
export async function createOrder(db: Db, input: { userId: string; product: Product; provider: string; now: Date }): Promise<OrderRow> {
  const [row] = await db
    .insert(orders)
    .values({
      id: `ord_${generateSecureRandomString(20)}`,
      userId: input.userId,
      product: input.product.id,
      credits: input.product.credits,
      amount: input.product.amount,
      currency: input.product.currency,
      status: 'created',
      provider: input.provider,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  return row!;
}

/** Stores the provider's reference (e.g. the Stripe Checkout session id) on an order. */
export async function setOrderProviderRef(db: Db, orderId: string, providerRef: string, now: Date): Promise<void> {
  await db.update(orders).set({ providerRef, updatedAt: now }).where(eq(orders.id, orderId));
}

/** One order by id. */
export async function getOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  return firstRow(await db.select().from(orders).where(eq(orders.id, orderId)));
}

/** One of a user's orders by id (undefined when it is someone else's). */
export async function getUserOrder(db: Db, userId: string, orderId: string): Promise<OrderRow | undefined> {
  return firstRow(await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.userId, userId))));
}

/** A user's orders, newest first. */
export async function listUserOrders(db: Db, userId: string, limit = 100): Promise<OrderRow[]> {
  return db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(limit);
}

/** The order, its row locked until the transaction ends, so that two payments of it run one after the other. */
async function lockOrder(tx: Db, orderId: string): Promise<OrderRow | undefined> {
  return firstRow(await forUpdate(tx.select().from(orders).where(eq(orders.id, orderId))));
}

/**
 * Marks an order paid and, for a pack, grants its credits, in one transaction. Paying twice
 * (a redelivered webhook, a double click) changes nothing: the status moves only from
 * created or failed, and the grant's key is the order id. Returns the order as it now is.
 */
export async function markOrderPaid(db: Db, orderId: string, now: Date): Promise<{ order: OrderRow; newlyPaid: boolean } | null> {
  return await inTransaction(db, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order) return null;
    if (order.status !== 'created' && order.status !== 'failed') return { order, newlyPaid: false };
    await tx.update(orders).set({ status: 'paid', paidAt: now, updatedAt: now }).where(eq(orders.id, orderId));
    // An account deleted meanwhile has no balance left to credit; the order stays for accounting.
    if (order.userId && order.product.startsWith('pack-') && order.credits > 0) {
      await grant(tx, {
        userId: order.userId,
        amount: order.credits,
        kind: 'purchase',
        reference: `order:${order.id}`,
        idempotencyKey: `order:${order.id}`,
        now,
      });
    }
    return { order: (await getOrder(tx, orderId))!, newlyPaid: true };
  });
}

/** Marks a still-open order failed (payment declined, checkout expired or abandoned). */
export async function markOrderFailed(db: Db, orderId: string, now: Date): Promise<boolean> {
  const result = await db
    .update(orders)
    .set({ status: 'failed', updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, 'created')))
    .run();
  return result.changes > 0;
}

/**
 * Records a membership renewal payment as its own order (once per provider reference).
 * Returns true when the row is new.
 */
export async function recordRenewalOrder(
  db: Db,
  input: { userId: string | null; product: Product; provider: string; providerRef: string; amount: number; currency: string; status: 'paid' | 'failed'; now: Date },
): Promise<boolean> {
  const result = await db
    .insert(orders)
    .values({
      id: `ord_${generateSecureRandomString(20)}`,
      userId: input.userId,
      product: input.product.id,
      credits: input.product.credits,
      amount: input.amount,
      currency: input.currency,
      status: input.status,
      provider: input.provider,
      providerRef: input.providerRef,
      createdAt: input.now,
      updatedAt: input.now,
      paidAt: input.status === 'paid' ? input.now : null,
    })
    .onConflictDoNothing()
    .run();
  const inserted = result.changes > 0;
  if (!inserted && input.status === 'paid') {
    // A renewal that failed first and was paid on a retry.
    await db
      .update(orders)
      .set({ status: 'paid', paidAt: input.now, updatedAt: input.now })
      .where(and(eq(orders.provider, input.provider), eq(orders.providerRef, input.providerRef), eq(orders.status, 'failed')));
  }
  return inserted;
}

/** Stores the provider's payment id on an order (so a later refund event can find it). */
export async function setOrderPaymentRef(db: Db, orderId: string, paymentRef: string, now: Date): Promise<void> {
  await db.update(orders).set({ paymentRef, updatedAt: now }).where(eq(orders.id, orderId));
}

/** The order a provider's payment id belongs to. */
export async function findOrderByPaymentRef(db: Db, provider: string, paymentRef: string): Promise<OrderRow | undefined> {
  return firstRow(await db.select().from(orders).where(and(eq(orders.provider, provider), eq(orders.paymentRef, paymentRef))).limit(1));
}

/**
 * Marks a paid order refunded and, for a pack, takes back its credits in the same transaction,
 * as many as are left (the balance never goes below zero; credits already spent stay spent).
 * Once only: the status moves only from paid, and the ledger key is the order id.
 */
export async function markOrderRefunded(db: Db, orderId: string, now: Date): Promise<{ order: OrderRow; creditsTaken: number } | null> {
  return await inTransaction(db, async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!order || order.status !== 'paid') return null;
    await tx.update(orders).set({ status: 'refunded', updatedAt: now }).where(eq(orders.id, orderId));
    let creditsTaken = 0;
    if (order.userId && order.product.startsWith('pack-') && order.credits > 0) {
      const take = Math.min(order.credits, await getBalance(tx, order.userId));
      if (take > 0) {
        await spend(tx, {
          userId: order.userId,
          amount: take,
          kind: 'refund',
          reference: `order:${order.id}`,
          idempotencyKey: `refund:${order.id}`,
          now,
        });
        creditsTaken = take;
      }
    }
    return { order: (await getOrder(tx, orderId))!, creditsTaken };
  });
}
