/** createApp(deps): the whole server as one Hono app, used as-is by main.ts and the tests. */
import { Hono } from 'hono';
import type Stripe from 'stripe';
import { createRelyingParty } from './auth/oidc-client.ts';
import { createRateLimiters } from './auth/rate-limit.ts';
import { avatarFolder } from './avatars/folder-store.ts';
import { avatarTable } from './avatars/table-store.ts';
import { isPg } from './db/pg.ts';
import { createLocalProvider } from './billing/provider.ts';
import { createStripeClient, createStripeProvider } from './billing/stripe.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { AppEnv } from './env.ts';
import { handleError, handleNotFound } from './errors.ts';
import { accessLogBuffer, defaultAccessLogBuffer } from './logs/access-log-buffer.ts';
import { accessLog } from './middleware/access-log.ts';
import { apiKeyAuth } from './middleware/api-key.ts';
import { apiBodies } from './middleware/body.ts';
import { clientIp } from './middleware/client-ip.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { securityHeadersMiddleware } from './middleware/security.ts';
import { loadSession } from './middleware/session.ts';
import { finishUnreadBody } from './middleware/unread-body.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { accountRoutes } from './routes/account.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { billingRoutes } from './routes/billing.ts';
import { localBillingRoutes } from './routes/billing-local.ts';
import { creditsRoutes } from './routes/credits.ts';
import { authRoutes } from './routes/auth.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { avatarFileRoutes, myAvatarRoutes } from './routes/avatars.ts';
import type { RouteDeps } from './deps.ts';
import { loadPolicies, type PolicySet } from './policies/documents.ts';
import { policyRoutes } from './routes/policies.ts';
import { adminRoutes } from './routes/admin.ts';
import { supportRoutes } from './routes/support.ts';
import { modelRoutes } from './static/models.ts';
import { healthRoutes } from './routes/health.ts';
import { pwaRoutes } from './static/pwa.ts';

/** What the app needs from outside; `now` lets tests move the clock. */
export interface AppDeps {
  config: Config;
  db: Db;
  now?: () => Date;
  /** A Stripe client to use instead of one built from STRIPE_SECRET_KEY (tests answer its HTTP calls locally). */
  stripe?: Stripe;
  /** The mailer to use instead of one built from SMTP_URL (tests wait on its flush()). */
  mailer?: Mailer;
  /** True once main.ts is shutting down: /healthz says not ready and connections are not kept alive. */
  stopping?: () => boolean;
  /** The documents' current versions instead of legal/*.md (tests stage a new version). */
  policies?: PolicySet;
}

/** Builds the app: middleware, the API sub-apps, /models and the PWA. */
export function createApp(deps: AppDeps) {
  const { config, db } = deps;
  const now = deps.now ?? (() => new Date());
  const stopping = deps.stopping ?? (() => false);
  const stripe = deps.stripe ?? (config.billing.stripeSecretKey ? createStripeClient(config.billing.stripeSecretKey) : null);
  const routeDeps: RouteDeps = {
    config,
    db,
    now,
    limiters: createRateLimiters(db, { ...config.rateLimits, apiKeyRequestsPerMinute: config.credits.apiKeyRequestsPerMinute }, now),
    sessionOptions: { ttlMs: config.sessionDays * 86_400_000, now },
    payments: { provider: createLocalProvider(), stripe },
    mailer: deps.mailer ?? createMailer(config.mail, config.dataDir),
    // On PostgreSQL every instance must read what another stored: the table; on SQLite, files.
    avatars: isPg(db) ? avatarTable(db) : avatarFolder(config.dataDir),
    oidc: config.oidc ? createRelyingParty(config.oidc) : null,
    policies: deps.policies ?? loadPolicies(),
  };
  if (config.billing.provider === 'stripe' && stripe) routeDeps.payments.provider = createStripeProvider(stripe);

  const app = new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('ip', clientIp(c, config.trustProxy));
      c.set('user', null);
      c.set('session', null);
      c.set('pendingEmail', null);
      c.set('apiKey', null);
      await next();
      // Shutting down: each connection closes after its answer, so the server can finish.
      if (stopping()) c.res.headers.set('Connection', 'close');
    })
    // Outermost: whatever answered, a refused body must not leave the keep-alive connection out of step.
    .use('*', finishUnreadBody())
    // Then the log sees the final status, and the headers land on every response.
    .use('*', accessLog(accessLogBuffer(db, { ...defaultAccessLogBuffer, flushMs: config.accessLogFlushMs }), now))
    .use('*', securityHeadersMiddleware(config))
    .use('*', csrfProtection(config))
    .use('/api/*', apiBodies())
    .use('/api/*', loadSession(routeDeps))
    .use('/api/*', apiKeyAuth(routeDeps))
    .use('/billing/*', loadSession(routeDeps))
    .get('/api/health', (c) => c.json({ ok: true as const }, 200))
    .route('/healthz', healthRoutes({ db, stopping }))
    // The privacy page states these numbers; reading them from here keeps page and server in step.
    .get('/api/privacy', (c) =>
      c.json({ logRetentionDays: config.logRetentionDays, sessionDays: config.sessionDays }, 200),
    )
    .route('/api/policies', policyRoutes(routeDeps))
    .route('/api/support', supportRoutes(routeDeps))
    .route('/api/admin', adminRoutes(routeDeps))
    .route('/api/auth/oidc', oidcRoutes(routeDeps))
    .route('/api/auth', authRoutes(routeDeps))
    .route('/api/me/avatar', myAvatarRoutes(routeDeps))
    .route('/api/me', accountRoutes(routeDeps))
    .route('/api/avatars', avatarFileRoutes(routeDeps))
    .route('/api/me/api-keys', apiKeyRoutes(routeDeps))
    .route('/api/credits', creditsRoutes(routeDeps))
    .route('/api/billing', billingRoutes(routeDeps))
    .route('/billing/local', localBillingRoutes(routeDeps))
    .route('/models', modelRoutes(config.modelsDir))
    .route('/', pwaRoutes(config.distDir));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

/** The API's type for Hono's RPC client: `hc<AppType>('/')`. */
export type AppType = ReturnType<typeof createApp>;
