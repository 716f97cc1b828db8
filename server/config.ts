/** Every environment variable the server reads, parsed and validated in one place. */
import { resolve } from 'node:path';

/** The server's configuration, fully resolved (absolute paths, numbers, defaults applied). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… to run on PostgreSQL; undefined runs on the SQLite file in dataDir (the default). */
  databaseUrl: string | undefined;
  distDir: string;
  modelsDir: string;
  /** Access-log rows older than this many days are purged. */
  logRetentionDays: number;
  /** Access-log rows wait in memory at most this long before they are written, in one batch. */
  accessLogFlushMs: number;
  /** Server processes sharing the port and the database (node:cluster); 1 runs the server in this process. */
  workers: number;
  /** The origin people use to reach the app (e.g. https://cut.example.com); undefined means "the request's own origin". */
  publicOrigin: string | undefined;
  /** Whether to take the client IP from X-Forwarded-For (only behind a reverse proxy you control). */
  trustProxy: boolean;
  sessionDays: number;
  /** log2 of scrypt's N; the hash string records it, so raising it later keeps old hashes valid. */
  scryptLogN: number;
  rateLimits: RateLimitConfig;
  credits: CreditsConfig;
  billing: BillingConfig;
  mail: MailConfig;
  /** Sign-in through an OpenID Connect provider (Google or any other); null when not configured. */
  oidc: OidcConfig | null;
}

/** One OpenID Connect provider, found by discovery from its issuer. */
export interface OidcConfig {
  /** The issuer identifier, e.g. https://accounts.google.com (its /.well-known/openid-configuration is read). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the button says: "Continue with <name>". */
  name: string;
  /** `${PUBLIC_ORIGIN}/api/auth/oidc/callback`: registered with the provider, never taken from the request. */
  redirectUri: string;
}

/** Where mail goes: an SMTP server, or (smtpUrl undefined) the DATA_DIR/outbox folder and the console. */
export interface MailConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. */
  smtpUrl: string | undefined;
  /** The From header, e.g. `clearcut <no-reply@cut.example.com>`. */
  from: string;
}

/** How many credits come free, and how fast an API key may be used. */
export interface CreditsConfig {
  /** Granted once when an account is created. */
  signupCredits: number;
  /** Requests per minute one API key may make. */
  apiKeyRequestsPerMinute: number;
}

/** Prices, the payment provider and its secrets. Amounts are in the currency's minor unit (cents). */
export interface BillingConfig {
  provider: 'local' | 'stripe';
  /** ISO 4217 code, lower-cased as Stripe wants it. */
  currency: string;
  prices: { pack10: number; pack50: number; pack200: number; membershipMonthly: number };
  /** Credits the membership grants each period. */
  membershipCredits: number;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
}

/** Limits on abuse-prone actions; windows are fixed, the counts configurable. */
export interface RateLimitConfig {
  signupsPerIpPerHour: number;
  loginFailuresPerEmailPer15Min: number;
  loginFailuresPerIpPer15Min: number;
  passwordChangesPerAccountPerHour: number;
  /** Verification and password-reset mails per account (and reset requests per IP) per hour. */
  mailsPerHour: number;
}

/** Thrown by loadConfig with every problem found, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Parses and validates the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) {
      problems.push(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    const value = Number(raw);
    if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${env[name]}"`);
    return fallback;
  };
  const dir = (name: string, fallback: string): string => resolve(cwd, env[name]?.trim() || fallback);

  const host = env.HOST?.trim() || '127.0.0.1';
  let publicOrigin: string | undefined;
  const rawOrigin = env.PUBLIC_ORIGIN?.trim();
  if (rawOrigin) {
    try {
      const url = new URL(rawOrigin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      if (url.pathname !== '/' || url.search || url.hash) throw new Error('path');
      publicOrigin = url.origin;
    } catch {
      problems.push(`PUBLIC_ORIGIN must be an http(s) origin such as https://cut.example.com (no path), got "${rawOrigin}"`);
    }
  }

  const provider = env.PAYMENT_PROVIDER?.trim().toLowerCase() || 'local';
  if (provider !== 'local' && provider !== 'stripe') {
    problems.push(`PAYMENT_PROVIDER must be local or stripe, got "${env.PAYMENT_PROVIDER}"`);
  }
  const currency = env.BILLING_CURRENCY?.trim().toLowerCase() || 'usd';
  if (!/^[a-z]{3}$/.test(currency)) problems.push(`BILLING_CURRENCY must be a three-letter ISO 4217 code, got "${env.BILLING_CURRENCY}"`);
  const stripeSecretKey = env.STRIPE_SECRET_KEY?.trim() || undefined;
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || undefined;
  if (provider === 'stripe') {
    if (!stripeSecretKey) problems.push('STRIPE_SECRET_KEY is required when PAYMENT_PROVIDER=stripe (sk_test_... or sk_live_...)');
    if (!stripeWebhookSecret) problems.push('STRIPE_WEBHOOK_SECRET is required when PAYMENT_PROVIDER=stripe (whsec_...)');
  }

  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl) {
    let protocol = '';
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'smtp:' && protocol !== 'smtps:') {
      problems.push('SMTP_URL must be smtp://user:password@host:port or smtps://... (the value is not shown)');
    }
    // Links in mails are built from PUBLIC_ORIGIN; without it a forged Host header would choose them.
    if (!rawOrigin) problems.push('PUBLIC_ORIGIN is required when SMTP_URL is set (links in mails are built from it)');
  }
  const oidc = parseOidc(env, rawOrigin ? publicOrigin : undefined, problems);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    problems.push('DATABASE_URL must be postgres://user:password@host:5432/database (the value is not shown); unset, the server uses SQLite in DATA_DIR');
  }

  const mailFrom = env.MAIL_FROM?.trim() || 'clearcut <no-reply@localhost>';
  if (!/^([^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address or "Name <address>", got "${mailFrom}"`);
  }

  const config: Config = {
    port: int('PORT', 8787, 0, 65535),
    host,
    dataDir: dir('DATA_DIR', './data'),
    databaseUrl,
    distDir: dir('DIST_DIR', './dist'),
    modelsDir: dir('MODELS_DIR', './models'),
    logRetentionDays: int('LOG_RETENTION_DAYS', 30, 1, 3650),
    accessLogFlushMs: int('ACCESS_LOG_FLUSH_MS', 1000, 0, 60_000),
    workers: int('CLEARCUT_WORKERS', 1, 1, 64),
    publicOrigin,
    trustProxy: bool('TRUST_PROXY', false),
    sessionDays: int('SESSION_DAYS', 30, 1, 365),
    scryptLogN: int('SCRYPT_LOG_N', 15, 10, 20),
    rateLimits: {
      signupsPerIpPerHour: int('RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR', 10, 1, 1_000_000),
      loginFailuresPerEmailPer15Min: int('RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL', 10, 1, 1_000_000),
      loginFailuresPerIpPer15Min: int('RATE_LIMIT_LOGIN_FAILURES_PER_IP', 30, 1, 1_000_000),
      passwordChangesPerAccountPerHour: int('RATE_LIMIT_PASSWORD_CHANGES_PER_HOUR', 5, 1, 1_000_000),
      mailsPerHour: int('RATE_LIMIT_MAILS_PER_HOUR', 5, 1, 1_000_000),
    },
    credits: {
      signupCredits: int('SIGNUP_CREDITS', 3, 0, 1_000_000),
      apiKeyRequestsPerMinute: int('RATE_LIMIT_API_KEY_PER_MINUTE', 60, 1, 1_000_000),
    },
    billing: {
      provider: provider === 'stripe' ? 'stripe' : 'local',
      currency,
      // Stripe refuses charges under about 0.50 in most currencies, hence the minimum of 50.
      prices: {
        pack10: int('PRICE_PACK_10', 300, 50, 100_000_000),
        pack50: int('PRICE_PACK_50', 1200, 50, 100_000_000),
        pack200: int('PRICE_PACK_200', 4000, 50, 100_000_000),
        membershipMonthly: int('PRICE_MEMBERSHIP_MONTHLY', 900, 50, 100_000_000),
      },
      membershipCredits: int('MEMBERSHIP_CREDITS', 100, 1, 1_000_000),
      stripeSecretKey,
      stripeWebhookSecret,
    },
    mail: { smtpUrl, from: mailFrom },
    oidc,
  };
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** The OIDC_* variables: all three of issuer, client id and secret, or none. */
function parseOidc(env: Env, publicOrigin: string | undefined, problems: string[]): OidcConfig | null {
  const issuer = env.OIDC_ISSUER?.trim() || undefined;
  const clientId = env.OIDC_CLIENT_ID?.trim() || undefined;
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim() || undefined;
  const name = env.OIDC_NAME?.trim() || 'Google';
  if (!issuer && !clientId && !clientSecret) return null;
  if (!issuer || !clientId || !clientSecret) {
    problems.push('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three or none (the secret is not shown)');
    return null;
  }
  try {
    const url = new URL(issuer);
    // Plain http only for a provider on this machine (development and tests); tokens cross the wire otherwise.
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error('scheme');
    if (url.search || url.hash) throw new Error('query');
  } catch {
    problems.push(`OIDC_ISSUER must be an https URL such as https://accounts.google.com, got "${issuer}"`);
    return null;
  }
  if ([...name].length > 40 || /[\p{Cc}<>]/u.test(name)) problems.push(`OIDC_NAME must be a short plain name such as Google, got "${name}"`);
  // The redirect URI is registered with the provider; it must not follow a forged Host header.
  if (!publicOrigin) {
    problems.push('PUBLIC_ORIGIN is required when OIDC_ISSUER is set (the redirect URI registered with the provider is built from it)');
    return null;
  }
  return { issuer, clientId, clientSecret, name, redirectUri: `${publicOrigin}/api/auth/oidc/callback` };
}

/**
 * The origin people use to reach the app, for links in mails, checkout return pages and the CSRF
 * check: PUBLIC_ORIGIN (required with SMTP, a provider or behind a proxy), else the request's own.
 */
export function appOrigin(config: Config, requestUrl: string): string {
  return config.publicOrigin ?? new URL(requestUrl).origin;
}

/** True when people reach the app over https, so cookies get Secure and responses HSTS. */
export function servesHttps(config: Config, requestUrl: string): boolean {
  if (config.publicOrigin) return config.publicOrigin.startsWith('https:');
  return requestUrl.startsWith('https:');
}
