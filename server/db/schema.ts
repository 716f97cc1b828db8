/** The drizzle schema of every server table in DESIGN.md's "Server data". */
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const timestamp = (name: string) =>
  integer(name, { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** People with an account. Emails are stored lower-cased, so the unique index is case-insensitive in effect. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  /** Null for an account that signs in only through an OpenID Connect provider. */
  passwordHash: text('password_hash'),
  displayName: text('display_name'),
  avatarKey: text('avatar_key'),
  marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
  role: text('role', { enum: ['user', 'admin'] }).notNull().default('user'),
  bannedAt: integer('banned_at', { mode: 'timestamp_ms' }),
  createdAt: timestamp('created_at'),
  /** When the person proved they receive mail at `email`; null until then. */
  emailVerifiedAt: integer('email_verified_at', { mode: 'timestamp_ms' }),
  /**
   * The choice made at sign-up: `adult` (18 or older) or `guardian` (a parent or guardian consents).
   * Null only for accounts made before it was asked.
   */
  ageConfirmation: text('age_confirmation', { enum: ['adult', 'guardian'] }),
});

/**
 * Single-use links sent by mail: confirm an address (`verify`, `email_change`) or set a new
 * password (`password_reset`). Only SHA-256 of the token is kept; `email` is where the link went.
 */
export const emailTokens = sqliteTable(
  'email_tokens',
  {
    tokenHash: blob('token_hash', { mode: 'buffer' }).primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify', 'email_change', 'password_reset'] }).notNull(),
    email: text('email').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: timestamp('created_at'),
  },
  (t) => [
    index('email_tokens_user_idx').on(t.userId, t.purpose),
    index('email_tokens_expires_idx').on(t.expiresAt),
    check('email_tokens_purpose_check', sql`${t.purpose} in ('verify', 'email_change', 'password_reset')`),
  ],
);

/**
 * Accounts linked to an OpenID Connect provider: the provider's issuer and its stable subject
 * identifier (`sub`) name the person there; `email` is the address the provider vouched for.
 */
export const oidcIdentities = sqliteTable(
  'oidc_identities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email').notNull(),
    createdAt: timestamp('created_at'),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('oidc_identities_subject_idx').on(t.issuer, t.subject),
    // One identity per provider per account, so "unlink" names one row.
    uniqueIndex('oidc_identities_user_issuer_idx').on(t.userId, t.issuer),
  ],
);

/**
 * A provider sign-in whose verified email matched an existing account: it is linked only when
 * the same browser (holding the secret whose SHA-256 is `secret_hash`) next signs in to that
 * account with its password, before `expires_at`.
 */
export const oidcPendingLinks = sqliteTable(
  'oidc_pending_links',
  {
    secretHash: blob('secret_hash', { mode: 'buffer' }).primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: timestamp('created_at'),
  },
  (t) => [index('oidc_pending_links_user_idx').on(t.userId), index('oidc_pending_links_expires_idx').on(t.expiresAt)],
);

/**
 * A sign-in started at the provider and not yet back: the state, nonce and PKCE verifier it must
 * come back with. Keyed by SHA-256 of a secret kept in a short-lived cookie; deleted when used.
 */
export const oidcFlows = sqliteTable(
  'oidc_flows',
  {
    secretHash: blob('secret_hash', { mode: 'buffer' }).primaryKey(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    /**
     * Set when the flow started on the sign-up page with the terms accepted and the age choice made:
     * the choice, recorded if the callback creates an account. Null from the sign-in page.
     */
    signupAge: text('signup_age', { enum: ['adult', 'guardian'] }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: timestamp('created_at'),
  },
  (t) => [index('oidc_flows_expires_idx').on(t.expiresAt)],
);

/** Cookie sessions in Lucia's design: the token is `id.secret`, only SHA-256(secret) is kept. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    lastVerifiedAt: integer('last_verified_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: timestamp('created_at'),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** Append-only credit movements; user_id is set null when the account is deleted (kept for accounting). */
export const creditLedger = sqliteTable(
  'credit_ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    delta: integer('delta').notNull(),
    kind: text('kind', { enum: ['signup', 'purchase', 'membership', 'spend', 'refund', 'adjust'] }).notNull(),
    reference: text('reference'),
    idempotencyKey: text('idempotency_key').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    createdAt: timestamp('created_at'),
  },
  (t) => [
    uniqueIndex('credit_ledger_user_key_idx').on(t.userId, t.idempotencyKey),
    check('credit_ledger_balance_after_check', sql`${t.balanceAfter} >= 0`),
    check(
      'credit_ledger_kind_check',
      sql`${t.kind} in ('signup', 'purchase', 'membership', 'spend', 'refund', 'adjust')`,
    ),
  ],
);

/** One balance per user, changed only in the same transaction as a ledger row. */
export const creditBalances = sqliteTable(
  'credit_balances',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    balance: integer('balance').notNull().default(0),
    updatedAt: timestamp('updated_at'),
  },
  (t) => [check('credit_balances_balance_check', sql`${t.balance} >= 0`)],
);

/** One-off purchases (credit packs) and membership payments, kept unlinked after account deletion. */
export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    product: text('product').notNull(),
    credits: integer('credits').notNull().default(0),
    /** In the currency's minor unit (cents). */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['created', 'paid', 'failed', 'refunded'] })
      .notNull()
      .default('created'),
    provider: text('provider').notNull(),
    providerRef: text('provider_ref'),
    /** The provider's payment id (Stripe's PaymentIntent), which refund events name. */
    paymentRef: text('payment_ref'),
    createdAt: timestamp('created_at'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
    paidAt: integer('paid_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('orders_user_idx').on(t.userId),
    uniqueIndex('orders_provider_ref_idx').on(t.provider, t.providerRef),
    index('orders_payment_ref_idx').on(t.provider, t.paymentRef),
    check('orders_status_check', sql`${t.status} in ('created', 'paid', 'failed', 'refunded')`),
  ],
);

/** Monthly memberships; like orders, unlinked rather than erased when the account goes. */
export const memberships = sqliteTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    plan: text('plan').notNull(),
    status: text('status', { enum: ['active', 'past_due', 'cancelled', 'expired'] }).notNull(),
    provider: text('provider').notNull(),
    providerRef: text('provider_ref'),
    currentPeriodEnd: integer('current_period_end', { mode: 'timestamp_ms' }).notNull(),
    createdAt: timestamp('created_at'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
    cancelledAt: integer('cancelled_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('memberships_user_idx').on(t.userId),
    uniqueIndex('memberships_provider_ref_idx').on(t.provider, t.providerRef),
    check('memberships_status_check', sql`${t.status} in ('active', 'past_due', 'cancelled', 'expired')`),
  ],
);

/** Payment-provider webhook events already handled, so a redelivered event changes nothing twice. */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    processedAt: integer('processed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

/** API keys: the secret is shown once; only its hash and a lookup prefix are kept. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    createdAt: timestamp('created_at'),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('api_keys_user_idx').on(t.userId)],
);

/** Minimal access log: never bodies, query strings, cookies or other headers. */
export const accessLogs = sqliteTable(
  'access_logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: integer('time', { mode: 'timestamp_ms' }).notNull(),
    ip: text('ip').notNull(),
    userAgent: text('user_agent'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    durationMs: integer('duration_ms').notNull(),
    /** The API key's public prefix when the request was authenticated by one. */
    apiKeyPrefix: text('api_key_prefix'),
  },
  (t) => [index('access_logs_time_idx').on(t.time), index('access_logs_user_idx').on(t.userId, t.time)],
);

/** Each acceptance of a version of the privacy policy or the terms: at sign-up, or acknowledging a material change. */
export const policyAcceptances = sqliteTable(
  'policy_acceptances',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    document: text('document', { enum: ['privacy', 'terms'] }).notNull(),
    version: integer('version').notNull(),
    /** `signup`, or `notice`: acknowledged after a material change. */
    via: text('via', { enum: ['signup', 'notice'] }).notNull(),
    acceptedAt: timestamp('accepted_at'),
  },
  (t) => [
    index('policy_acceptances_user_idx').on(t.userId, t.document),
    check('policy_acceptances_document_check', sql`${t.document} in ('privacy', 'terms')`),
  ],
);

/**
 * Addresses of accounts an admin closed because they belonged to a child, as SHA-256 of the
 * lower-cased address only: such an address can sign up again only with a guardian's consent.
 */
export const childEmailHashes = sqliteTable('child_email_hashes', {
  emailHash: blob('email_hash', { mode: 'buffer' }).primaryKey(),
  createdAt: timestamp('created_at'),
});

/** Contact and support requests; kept (unlinked) after the sender's account is deleted, like other records of what was asked. */
export const supportRequests = sqliteTable(
  'support_requests',
  {
    id: text('id').primaryKey(),
    /** What the sender quotes, e.g. `REQ-7K2M-9QXA`. */
    reference: text('reference').notNull().unique(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Where the confirmation and the answer go. */
    email: text('email').notNull(),
    kind: text('kind', {
      enum: ['question', 'billing', 'complaint', 'privacy_access', 'privacy_correction', 'privacy_deletion', 'privacy_restriction', 'privacy_objection'],
    }).notNull(),
    message: text('message').notNull(),
    status: text('status', { enum: ['open', 'answered', 'closed'] }).notNull().default('open'),
    answer: text('answer'),
    answeredBy: text('answered_by'),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    createdAt: timestamp('created_at'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('support_requests_user_idx').on(t.userId, t.createdAt),
    index('support_requests_status_idx').on(t.status, t.createdAt),
    check('support_requests_status_check', sql`${t.status} in ('open', 'answered', 'closed')`),
  ],
);

/** Every action an admin took through the API; append-only (triggers refuse UPDATE and DELETE). */
export const adminAuditLog = sqliteTable(
  'admin_audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Plain ids and address, no foreign key: the record outlives both accounts. */
    adminId: text('admin_id').notNull(),
    adminEmail: text('admin_email').notNull(),
    action: text('action').notNull(),
    /** The account, order or request acted on. */
    target: text('target'),
    /** What was done, as JSON (amounts, reasons); never a password or a message body. */
    detail: text('detail'),
    createdAt: timestamp('created_at'),
  },
  (t) => [index('admin_audit_log_time_idx').on(t.createdAt)],
);

/** Requests and distinct visitors per finished UTC day, rolled up from the access log before its rows expire. */
export const dailyVisitCounts = sqliteTable('daily_visit_counts', {
  /** `YYYY-MM-DD`, UTC. */
  day: text('day').primaryKey(),
  requests: integer('requests').notNull(),
  visitors: integer('visitors').notNull(),
});

/**
 * Rate-limit counters, one fixed window per limited action (`bucket`) and key, in the database so
 * that every instance counts against the same allowance. Only SHA-256 of the key (an IP, an
 * address, an account or API key id) is kept; a row is useless once its window has ended and the
 * hourly purge deletes it.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    bucket: text('bucket').notNull(),
    keyHash: blob('key_hash', { mode: 'buffer' }).notNull(),
    /** Attempts counted in the window, refused ones included. */
    count: integer('count').notNull(),
    windowEndsAt: integer('window_ends_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.keyHash] }), index('rate_limits_window_idx').on(t.windowEndsAt)],
);

/**
 * Avatar pictures (256x256 WebP) when the server runs on PostgreSQL, so that every instance serves
 * what one stored (avatars/table-store.ts); on SQLite they are files in DATA_DIR/avatars.
 * `users.avatar_key` names the row.
 */
export const avatars = sqliteTable('avatars', {
  key: text('key').primaryKey(),
  webp: blob('webp', { mode: 'buffer' }).notNull(),
  createdAt: timestamp('created_at'),
});

/**
 * Who runs each hourly job this hour (db/leases.ts): with several instances on one database the
 * one that claims the row runs the job, the others skip it until the lease expires.
 */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  /** The instance holding the lease: host, process id and a random part. */
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A user row as read from the database. */
export type User = typeof users.$inferSelect;
/** An email_tokens row as read from the database. */
export type EmailTokenRow = typeof emailTokens.$inferSelect;
/** An oidc_identities row as read from the database. */
export type OidcIdentityRow = typeof oidcIdentities.$inferSelect;
