/** In-memory fixed-window counters: "at most N per window" for sign-up, sign-in failures and password changes. */
import type { RateLimitConfig } from '../config.ts';

/** The outcome of a check: allowed, or refused with the seconds until the window resets. */
export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts events per key in fixed windows; one instance per limited action. */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => Date,
  ) {}

  /** Whether another event for this key is allowed now (does not count it). */
  check(key: string): RateLimitResult {
    const time = this.now().getTime();
    const entry = this.windows.get(key);
    if (!entry || entry.resetAt <= time || entry.count < this.max) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.resetAt - time) / 1000)) };
  }

  /** Counts one event for this key. */
  hit(key: string): void {
    const time = this.now().getTime();
    const entry = this.windows.get(key);
    if (!entry || entry.resetAt <= time) {
      this.prune(time);
      this.windows.set(key, { count: 1, resetAt: time + this.windowMs });
    } else {
      entry.count += 1;
    }
  }

  /** Checks and, when allowed, counts in one step. */
  consume(key: string): RateLimitResult {
    const result = this.check(key);
    if (result.allowed) this.hit(key);
    return result;
  }

  /** Forgets a key (a successful sign-in clears that account's failures). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(time: number): void {
    // Bounded memory: drop finished windows once the map gets large.
    if (this.windows.size < 10_000) return;
    for (const [key, entry] of this.windows) if (entry.resetAt <= time) this.windows.delete(key);
  }
}

/** The limiters one app instance uses. */
export interface RateLimiters {
  signupPerIp: FixedWindowLimiter;
  loginFailuresPerEmail: FixedWindowLimiter;
  loginFailuresPerIp: FixedWindowLimiter;
  passwordChangesPerAccount: FixedWindowLimiter;
  /** Verification mails per account (resend, email change). */
  mailsPerAccount: FixedWindowLimiter;
  /** Password-reset requests per address asked about and per IP (ten times the per-address number). */
  resetsPerEmail: FixedWindowLimiter;
  resetsPerIp: FixedWindowLimiter;
  /** Provider sign-ins started per IP (each stores a flow row until it expires); as many as sign-in failures allowed. */
  oidcStartsPerIp: FixedWindowLimiter;
  /** Contact requests per IP (as many as sign-ups) and confirmation mails per address (as many as other mails). */
  supportPerIp: FixedWindowLimiter;
  supportPerEmail: FixedWindowLimiter;
}

const minute = 60_000;

/** Creates the limiters from the configured numbers. */
export function createRateLimiters(
  limits: RateLimitConfig,
  now: () => Date,
): RateLimiters {
  return {
    signupPerIp: new FixedWindowLimiter(limits.signupsPerIpPerHour, 60 * minute, now),
    loginFailuresPerEmail: new FixedWindowLimiter(limits.loginFailuresPerEmailPer15Min, 15 * minute, now),
    loginFailuresPerIp: new FixedWindowLimiter(limits.loginFailuresPerIpPer15Min, 15 * minute, now),
    passwordChangesPerAccount: new FixedWindowLimiter(limits.passwordChangesPerAccountPerHour, 60 * minute, now),
    mailsPerAccount: new FixedWindowLimiter(limits.mailsPerHour, 60 * minute, now),
    resetsPerEmail: new FixedWindowLimiter(limits.mailsPerHour, 60 * minute, now),
    resetsPerIp: new FixedWindowLimiter(limits.mailsPerHour * 10, 60 * minute, now),
    oidcStartsPerIp: new FixedWindowLimiter(limits.loginFailuresPerIpPer15Min, 15 * minute, now),
    supportPerIp: new FixedWindowLimiter(limits.signupsPerIpPerHour, 60 * minute, now),
    supportPerEmail: new FixedWindowLimiter(limits.mailsPerHour, 60 * minute, now),
  };
}
