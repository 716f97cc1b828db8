/** Types and formatting for the pricing page and the credits dashboard (the server decides every price). */
import type { InferResponseType } from 'hono/client';
import { api } from './api.ts';

/** A pack or the membership, as `GET /api/billing/products` lists it. */
export type Product = InferResponseType<typeof api.billing.products.$get, 200>['products'][number];
/** One of the person's orders. */
export type Order = InferResponseType<typeof api.billing.orders.$get, 200>['orders'][number];
/** The person's latest membership, if any. */
export type Membership = NonNullable<InferResponseType<typeof api.billing.membership.$get, 200>['membership']>;
/** One row of the credits history. */
export type LedgerEntry = InferResponseType<typeof api.credits.ledger.$get, 200>['entries'][number];
/** One API key (never its secret). */
export type ApiKey = InferResponseType<(typeof api.me)['api-keys']['$get'], 200>['apiKeys'][number];

/** "$3.00" from an amount in the currency's minor unit. */
export function formatMoney(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() });
    // Minor units per major one: 100 for USD, 1 for JPY.
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}
