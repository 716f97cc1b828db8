/** loadConfig for credits and billing: defaults, prices, the provider and Stripe's keys. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { thrown } from '../support/errors.ts';

/** The message of the ConfigError that loading `env` throws. */
function problems(env: Record<string, string>): string {
  const err = thrown(() => loadConfig(env, '/x'));
  expect(err).toBeInstanceOf(ConfigError);
  return err.message;
}

describe('billing configuration', () => {
  it('defaults to the local provider, USD prices, 3 welcome credits and 100 a month', () => {
    const config = loadConfig({}, '/x');
    expect(config.billing).toEqual({
      provider: 'local',
      currency: 'usd',
      prices: { pack10: 300, pack50: 1200, pack200: 4000, membershipMonthly: 900 },
      membershipCredits: 100,
      stripeSecretKey: undefined,
      stripeWebhookSecret: undefined,
    });
    expect(config.credits).toEqual({ signupCredits: 3, apiKeyRequestsPerMinute: 60 });
  });

  it('reads prices, currency and Stripe keys', () => {
    const config = loadConfig(
      {
        PAYMENT_PROVIDER: 'Stripe',
        STRIPE_SECRET_KEY: 'sk_test_123',
        STRIPE_WEBHOOK_SECRET: 'whsec_456',
        BILLING_CURRENCY: 'EUR',
        PRICE_PACK_10: '499',
        PRICE_PACK_50: '1999',
        PRICE_PACK_200: '5999',
        PRICE_MEMBERSHIP_MONTHLY: '1299',
        MEMBERSHIP_CREDITS: '150',
        SIGNUP_CREDITS: '0',
        RATE_LIMIT_API_KEY_PER_MINUTE: '600',
      },
      '/x',
    );
    expect(config.billing).toMatchObject({
      provider: 'stripe',
      currency: 'eur',
      prices: { pack10: 499, pack50: 1999, pack200: 5999, membershipMonthly: 1299 },
      membershipCredits: 150,
      stripeSecretKey: 'sk_test_123',
      stripeWebhookSecret: 'whsec_456',
    });
    expect(config.credits).toEqual({ signupCredits: 0, apiKeyRequestsPerMinute: 600 });
  });

  it('refuses Stripe without its keys, unknown providers, bad currencies and prices', () => {
    const stripe = problems({ PAYMENT_PROVIDER: 'stripe' });
    expect(stripe).toContain('STRIPE_SECRET_KEY is required');
    expect(stripe).toContain('STRIPE_WEBHOOK_SECRET is required');
    expect(problems({ PAYMENT_PROVIDER: 'paypal' })).toContain('PAYMENT_PROVIDER must be local or stripe');
    expect(problems({ BILLING_CURRENCY: 'euro' })).toContain('BILLING_CURRENCY must be a three-letter');
    expect(problems({ PRICE_PACK_10: '2.99' })).toContain('PRICE_PACK_10 must be a whole number');
    expect(problems({ PRICE_MEMBERSHIP_MONTHLY: '10' })).toContain('PRICE_MEMBERSHIP_MONTHLY must be between 50');
  });
});
