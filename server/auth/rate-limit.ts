/**
 * Fixed-window counters ("at most N per window") for sign-up, sign-in failures, password changes,
 * mails and API keys, kept in the database (`rate_limits`) so that several instances behind a
 * load balancer count against one allowance. Each count is one atomic upsert: concurrent
 * attempts, on one instance or many, never both take the last one.
 */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { RateLimitConfig } from '../config.ts';
import { firstRow, type Db } from '../db/client.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { rateLimits } from '../db/schema.ts';
import { hashSecret } from '../lib/secrets.ts';

/** The outcome of a check: allowed, or refused with the seconds until the window resets. */
export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one attempt (a new window when the last one ended) and returns the window's count and end. */
const countAttempt = preparedOnce((db) =>
  preparedQuery(
    db
      .insert(rateLimits)
      .values({ bucket: sql.placeholder('bucket'), keyHash: sql.placeholder('keyHash'), count: 1, windowEndsAt: sql.placeholder('newEnd') })
      .onConflictDoUpdate({
        target: [rateLimits.bucket, rateLimits.keyHash],
        // Both right-hand sides read the row as it was: an ended window starts again at 1, ending
        // when the inserted row would have (`excluded`). `now` is in ms: raw SQL maps no column.
        set: {
          count: sql`case when ${rateLimits.windowEndsAt} <= ${sql.placeholder('now')} then 1 else ${rateLimits.count} + 1 end`,
          windowEndsAt: sql`case when ${rateLimits.windowEndsAt} <= ${sql.placeholder('now')} then excluded.${sql.identifier(rateLimits.windowEndsAt.name)} else ${rateLimits.windowEndsAt} end`,
        },
      })
      .returning({ count: rateLimits.count, windowEndsAt: rateLimits.windowEndsAt }),
    'rate_limit_count',
  ),
);

/** The current window of one key, if it has not ended. */
const currentWindow = preparedOnce((db) =>
  preparedQuery(
    db
      .select({ count: rateLimits.count, windowEndsAt: rateLimits.windowEndsAt })
      .from(rateLimits)
      .where(and(eq(rateLimits.bucket, sql.placeholder('bucket')), eq(rateLimits.keyHash, sql.placeholder('keyHash')), gt(rateLimits.windowEndsAt, sql.placeholder('now')))),
    'rate_limit_window',
  ),
);

/** Refused until the window ends; never less than a second (Retry-After is in whole seconds). */
function refused(windowEndsAt: Date, time: number): RateLimitResult {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt.getTime() - time) / 1000)) };
}

/** Counts events per key in fixed windows for one limited action (`bucket`), in the database. */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    readonly bucket: string,
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => Date,
  ) {}

  /** Whether another event for this key is allowed now (does not count it). */
  async check(key: string): Promise<RateLimitResult> {
    const time = this.now().getTime();
    const window = firstRow(await currentWindow(this.db).execute({ bucket: this.bucket, keyHash: hashSecret(key), now: time }));
    return !window || window.count < this.max ? { allowed: true } : refused(window.windowEndsAt, time);
  }

  /** Counts one event for this key. */
  async hit(key: string): Promise<void> {
    await this.count(key);
  }

  /** Counts one event and says whether it was within the limit, in one statement. */
  async consume(key: string): Promise<RateLimitResult> {
    const time = this.now().getTime();
    const window = await this.count(key);
    return window.count <= this.max ? { allowed: true } : refused(window.windowEndsAt, time);
  }

  /** Forgets a key (a successful sign-in clears that account's failures). */
  async reset(key: string): Promise<void> {
    await this.db.delete(rateLimits).where(and(eq(rateLimits.bucket, this.bucket), eq(rateLimits.keyHash, hashSecret(key)))).run();
  }

  private async count(key: string): Promise<{ count: number; windowEndsAt: Date }> {
    const time = this.now().getTime();
    const [window] = await countAttempt(this.db).execute({ bucket: this.bucket, keyHash: hashSecret(key), now: time, newEnd: new Date(time + this.windowMs) });
    return window!;
  }
}

/** Deletes the counters whose window has ended (the hourly purge); returns how many went. */
export async function purgeEndedRateLimits(db: Db, now: Date): Promise<number> {
  return (await db.delete(rateLimits).where(lte(rateLimits.windowEndsAt, now)).run()).changes;
}

/** The limiters one app instance uses (their counts are shared with every instance on the database). */
export interface RateLimiters {
  signupPerIp: RateLimiter;
  loginFailuresPerEmail: RateLimiter;
  loginFailuresPerIp: RateLimiter;
  passwordChangesPerAccount: RateLimiter;
  /** Verification mails per account (resend, email change). */
  mailsPerAccount: RateLimiter;
  /** Password-reset requests per address asked about and per IP (ten times the per-address number). */
  resetsPerEmail: RateLimiter;
  resetsPerIp: RateLimiter;
  /** Provider sign-ins started per IP (each stores a flow row until it expires); as many as sign-in failures allowed. */
  oidcStartsPerIp: RateLimiter;
  /** Contact requests per IP (as many as sign-ups) and confirmation mails per address (as many as other mails). */
  supportPerIp: RateLimiter;
  supportPerEmail: RateLimiter;
  /** Requests per API key per minute. */
  apiKey: RateLimiter;
}

const minute = 60_000;

/** Creates the limiters from the configured numbers; each field's name is its bucket in `rate_limits`. */
export function createRateLimiters(db: Db, limits: RateLimitConfig & { apiKeyRequestsPerMinute: number }, now: () => Date): RateLimiters {
  const windows: Record<keyof RateLimiters, [max: number, windowMs: number]> = {
    signupPerIp: [limits.signupsPerIpPerHour, 60 * minute],
    loginFailuresPerEmail: [limits.loginFailuresPerEmailPer15Min, 15 * minute],
    loginFailuresPerIp: [limits.loginFailuresPerIpPer15Min, 15 * minute],
    passwordChangesPerAccount: [limits.passwordChangesPerAccountPerHour, 60 * minute],
    mailsPerAccount: [limits.mailsPerHour, 60 * minute],
    resetsPerEmail: [limits.mailsPerHour, 60 * minute],
    resetsPerIp: [limits.mailsPerHour * 10, 60 * minute],
    oidcStartsPerIp: [limits.loginFailuresPerIpPer15Min, 15 * minute],
    supportPerIp: [limits.signupsPerIpPerHour, 60 * minute],
    supportPerEmail: [limits.mailsPerHour, 60 * minute],
    apiKey: [limits.apiKeyRequestsPerMinute, minute],
  };
  return Object.fromEntries(
    Object.entries(windows).map(([bucket, [max, windowMs]]) => [bucket, new RateLimiter(db, bucket, max, windowMs, now)]),
  ) as unknown as RateLimiters;
}
