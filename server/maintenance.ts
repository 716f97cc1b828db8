/** The hourly clean-up: daily visit counts rolled up, then old access-log rows, expired sessions, expired mailed links, provider sign-ins never finished, pending links never completed and rate-limit windows that have ended. */
import { purgeExpiredEmailTokens } from './auth/email-tokens.ts';
import { purgeExpiredOidc } from './auth/oidc-store.ts';
import { purgeEndedRateLimits } from './auth/rate-limit.ts';
import { purgeExpiredSessions } from './auth/session.ts';
import type { Db } from './db/client.ts';
import { hourlyLease } from './db/leases.ts';
import { runHourly, type StopHourly } from './lib/hourly.ts';
import { purgeAccessLogs } from './logs/access-log.ts';
import { rollUpDailyVisits } from './logs/daily-visits.ts';

/** Deletes what has outlived its purpose; returns how many rows of each went (and how many days of counts were stored). */
export async function purgeExpired(db: Db, logRetentionDays: number, now: Date) {
  return {
    // First, so no access-log row goes before its day is counted.
    dailyVisitDays: await rollUpDailyVisits(db, now),
    accessLogs: await purgeAccessLogs(db, logRetentionDays, now),
    // A session that is never presented again would otherwise stay (user agent and IP included) forever.
    sessions: await purgeExpiredSessions(db, now),
    emailTokens: await purgeExpiredEmailTokens(db, now),
    oidc: await purgeExpiredOidc(db, now),
    rateLimits: await purgeEndedRateLimits(db, now),
  };
}

/**
 * Purges now and then every hour, on one instance of those sharing the database (the one holding
 * the hour's lease, `holder` naming this one); returns a function that stops the timer.
 */
export function startHourlyPurge(db: Db, logRetentionDays: number, now: () => Date = () => new Date(), holder?: string): StopHourly {
  return runHourly('hourly purge', async () => await purgeExpired(db, logRetentionDays, now()), hourlyLease(db, 'hourly purge', now, holder));
}
