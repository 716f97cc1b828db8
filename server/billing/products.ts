/** What can be bought: three credit packs and a monthly membership, priced from the configuration. */
import type { BillingConfig } from '../config.ts';

/** Product ids, stable in the API and in stored orders. */
export const productIds = ['pack-10', 'pack-50', 'pack-200', 'membership-monthly'] as const;
/** One of productIds. */
export type ProductId = (typeof productIds)[number];

/** A product as GET /api/billing/products lists it. Amounts are in the currency's minor unit. */
export interface Product {
  id: ProductId;
  kind: 'pack' | 'membership';
  name: string;
  /** Credits per purchase (packs) or per monthly period (membership). */
  credits: number;
  amount: number;
  currency: string;
  /** 'month' for the membership, null for one-off packs. */
  interval: 'month' | null;
}

/** Every product with the configured prices. */
export function listProducts(billing: BillingConfig): Product[] {
  const { currency, prices } = billing;
  const pack = (id: ProductId, credits: number, amount: number): Product => ({
    id,
    kind: 'pack',
    name: `${credits} credits`,
    credits,
    amount,
    currency,
    interval: null,
  });
  return [
    pack('pack-10', 10, prices.pack10),
    pack('pack-50', 50, prices.pack50),
    pack('pack-200', 200, prices.pack200),
    {
      id: 'membership-monthly',
      kind: 'membership',
      name: `Monthly membership: ${billing.membershipCredits} credits a month`,
      credits: billing.membershipCredits,
      amount: prices.membershipMonthly,
      currency,
      interval: 'month',
    },
  ];
}

/** The monthly membership with the configured price and credits (renewals and webhooks grant from it). */
export function membershipProduct(billing: BillingConfig): Product {
  return listProducts(billing).find((p) => p.kind === 'membership')!;
}

/** One product by id, or undefined. */
export function findProduct(billing: BillingConfig, id: string): Product | undefined {
  return listProducts(billing).find((p) => p.id === id);
}
