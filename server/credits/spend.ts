/** Spending for an export: what it costs (pricing.ts), charged at most once per idempotency key. */
import { and, eq } from 'drizzle-orm';
import { firstRow, type Db } from '../db/client.ts';
import { creditLedger } from '../db/schema.ts';
import { getBalance, inTransaction, spend } from './ledger.ts';
import { exportCost } from './pricing.ts';

/** The answer to a spend request: charged (0 or 1) and the balance after, or refused for want of credits. */
export type ExportSpendResult =
  | { ok: true; charged: number; balance: number; replayed: boolean }
  | { ok: false; balance: number };

/**
 * Charges for one export of `width`×`height`. The client's key is namespaced (`export:`) so it
 * cannot collide with the server's own keys; a key seen before returns the first answer
 * (the charge and the balance right after it) without charging again.
 */
export async function spendForExport(
  db: Db,
  input: { userId: string; idempotencyKey: string; width: number; height: number; now: Date },
): Promise<ExportSpendResult> {
  const key = `export:${input.idempotencyKey}`;
  const cost = exportCost(input.width, input.height);
  if (cost > 0) {
    // One ledger transaction (ledger.ts) is the whole charge: no outer transaction around it.
    const result = await spend(db, {
      userId: input.userId,
      amount: cost,
      reference: `export ${input.width}x${input.height}`,
      idempotencyKey: key,
      now: input.now,
    });
    if (!result.ok) return { ok: false, balance: result.balance };
    // A replay answers as the first time did: the charge and the balance right after it.
    if (result.replayed) return { ok: true, charged: -result.entry.delta, balance: result.entry.balanceAfter, replayed: true };
    return { ok: true, charged: cost, balance: result.balance, replayed: false };
  }
  // Free: a key that charged before (a larger export retried at standard size) still answers as it did.
  return await inTransaction(db, async (tx): Promise<ExportSpendResult> => {
    const earlier = firstRow(
      await tx
        .select()
        .from(creditLedger)
        .where(and(eq(creditLedger.userId, input.userId), eq(creditLedger.idempotencyKey, key))),
    );
    if (earlier) return { ok: true, charged: -earlier.delta, balance: earlier.balanceAfter, replayed: true };
    return { ok: true, charged: 0, balance: await getBalance(tx, input.userId), replayed: false };
  });
}
