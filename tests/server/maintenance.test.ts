/** The hourly purge: expired sessions and mailed links go with the old access-log rows. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sessions, emailTokens, rateLimits } from '../../server/db/schema.ts';
import { createEmailToken } from '../../server/auth/email-tokens.ts';
import { claimLease, hourlyLeaseMs, leaseHolder, releaseLeases } from '../../server/db/leases.ts';
import { purgeExpired, startHourlyPurge } from '../../server/maintenance.ts';
import { Client, startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { SESSION_DAYS: '2' } });
});
afterAll(() => t.close());

const day = 86_400_000;

describe('purgeExpired', () => {
  it('deletes sessions past their expiry that were never presented again, and keeps live ones', async () => {
    const gone = new Client(t);
    const { userId } = await gone.signUp();
    t.clock.advance(day);
    const kept = new Client(t);
    await kept.signUp();
    // 2-day sessions: the first has 1 day left, the second 2.
    t.clock.advance(day + 1);
    const before = (await t.db.select().from(sessions).all()).length;
    const result = await purgeExpired(t.db, 30, t.clock.now());
    expect(result.sessions).toBe(1);
    const left = await t.db.select().from(sessions).all();
    expect(left).toHaveLength(before - 1);
    expect(left.some((s) => s.userId === userId)).toBe(false);
    expect((await kept.get('/api/me')).status).toBe(200);
  });

  it('deletes expired mailed links', async () => {
    const { userId } = await new Client(t).signUp();
    await createEmailToken(t.db, userId, 'password_reset', 'x@example.com', t.clock.now());
    t.clock.advance(3_600_000 + 1);
    expect((await purgeExpired(t.db, 30, t.clock.now())).emailTokens).toBeGreaterThanOrEqual(1);
    expect((await t.db.select().from(emailTokens).all()).filter((r) => r.purpose === 'password_reset')).toHaveLength(0);
  });

  it('deletes rate-limit counters whose window has ended, and keeps the live ones', async () => {
    // Every window of the earlier tests ends first.
    t.clock.advance(2 * 3_600_000);
    await purgeExpired(t.db, 30, t.clock.now());
    const client = new Client(t);
    const fail = (email: string) => client.post('/api/auth/login', { email, password: 'not the password' });
    expect((await fail('first@example.com')).status).toBe(401);
    t.clock.advance(10 * 60_000);
    expect((await fail('second@example.com')).status).toBe(401);
    // 15-minute windows: the first address's and the IP's (opened by the first failure) have ended.
    t.clock.advance(6 * 60_000);
    expect(await t.db.select().from(rateLimits).all()).toHaveLength(3);
    expect((await purgeExpired(t.db, 30, t.clock.now())).rateLimits).toBe(2);
    expect(await t.db.select({ bucket: rateLimits.bucket }).from(rateLimits).all()).toEqual([{ bucket: 'loginFailuresPerEmail' }]);
  });

  it('runs at start and then every hour until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await new Client(t).signUp();
      t.clock.advance(3 * day);
      const stop = startHourlyPurge(t.db, 30, t.clock.now);
      await stop.latestRun();
      expect(await t.db.select().from(sessions).all()).toHaveLength(0);
      await new Client(t).signUp();
      t.clock.advance(3 * day);
      vi.advanceTimersByTime(3_600_000);
      await stop.latestRun();
      expect(await t.db.select().from(sessions).all()).toHaveLength(0);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs on one instance of those sharing the database: the holder of the hour\'s lease runs it, the others skip it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // The lease the previous test's scheduler took has expired.
    t.clock.advance(3_600_000);
    const schedulers = ['instance-a', 'instance-b', 'instance-c'].map((holder) => ({ holder, stop: startHourlyPurge(t.db, 30, t.clock.now, holder) }));
    try {
      for (let hour = 0; hour < 3; hour++) {
        // Every instance ticks at once (at start, then on the hour): the job runs once per hour.
        const outcomes = await Promise.all(schedulers.map(({ stop }) => stop.latestRun()));
        expect([...outcomes].sort()).toEqual(['ran', 'skipped', 'skipped']);
        const ran = schedulers[outcomes.indexOf('ran')]!.holder;
        expect((await leaseHolder(t.db, 'hourly purge'))!.holder).toBe(ran);
        t.clock.advance(3_600_000);
        vi.advanceTimersByTime(3_600_000);
      }
      // Within the hour nobody else runs it, even the instance that held it before…
      t.clock.advance(-30 * 60_000);
      expect(await claimLease(t.db, 'hourly purge', 'instance-d', t.clock.now(), hourlyLeaseMs)).toBe(false);
      // …unless the holder gave it up (a clean shutdown does).
      await releaseLeases(t.db, (await leaseHolder(t.db, 'hourly purge'))!.holder);
      expect(await claimLease(t.db, 'hourly purge', 'instance-d', t.clock.now(), hourlyLeaseMs)).toBe(true);
    } finally {
      for (const { stop } of schedulers) stop();
      vi.useRealTimers();
    }
  });
});
