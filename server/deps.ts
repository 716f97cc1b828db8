/** What createApp builds once and hands to every route factory: the composition root's services. */
import type Stripe from 'stripe';
import type { RelyingParty } from './auth/oidc-client.ts';
import type { RateLimiters } from './auth/rate-limit.ts';
import type { SessionOptions } from './auth/session.ts';
import type { AvatarStore } from './avatars/store.ts';
import type { PaymentProvider } from './billing/provider.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Mailer } from './mail/mailer.ts';
import type { PolicySet } from './policies/documents.ts';

/**
 * Shared by every sub-app of one app instance. Only routes take all of it; the layers below
 * name the few fields they use, and this type satisfies each of those.
 */
export interface RouteDeps {
  config: Config;
  db: Db;
  now: () => Date;
  limiters: RateLimiters;
  sessionOptions: SessionOptions;
  /** The configured payment provider, and the Stripe client when Stripe's keys are set. */
  payments: { provider: PaymentProvider; stripe: Stripe | null };
  mailer: Mailer;
  /** Where avatars are stored: DATA_DIR's folder, or the database on PostgreSQL. */
  avatars: AvatarStore;
  /** The OpenID Connect provider people may sign in with, or null when none is configured. */
  oidc: RelyingParty | null;
  /** The current version of the terms and the privacy policy (legal/*.md). */
  policies: PolicySet;
}
