/**
 * Leases, so that a job every instance schedules runs on one of them: the `job_leases` row of a
 * job is claimed by one conditional upsert, which succeeds only when no row exists or the holder's
 * lease has expired. Two instances claiming at once cannot both succeed (the row's primary key and
 * the upsert's row lock decide), on SQLite and on PostgreSQL alike.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, lte, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { jobLeases } from './schema.ts';

/** This process as a lease holder: host, process id and a random part (a pid can come back). */
export const thisInstance = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** Claims `name` for `holder` until `now + ttlMs` unless someone else holds it; true when claimed. */
export async function claimLease(db: Db, name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
  const claimed = await db
    .insert(jobLeases)
    .values({ name, holder, expiresAt: new Date(now.getTime() + ttlMs) })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { holder: sql`excluded.${sql.identifier(jobLeases.holder.name)}`, expiresAt: sql`excluded.${sql.identifier(jobLeases.expiresAt.name)}` },
      // Only an expired lease changes hands; otherwise the statement changes and returns nothing.
      setWhere: lte(jobLeases.expiresAt, now),
    })
    .returning({ holder: jobLeases.holder })
    .all();
  return claimed.length === 1;
}

/** Who holds the lease on `name` and until when, or undefined. */
export async function leaseHolder(db: Db, name: string): Promise<{ holder: string; expiresAt: Date } | undefined> {
  return await db.select({ holder: jobLeases.holder, expiresAt: jobLeases.expiresAt }).from(jobLeases).where(eq(jobLeases.name, name)).get();
}

/** How long an hourly job's lease lasts: under an hour, so the next hour's tick, whichever instance's, can claim it. */
export const hourlyLeaseMs = 55 * 60_000;

/** The claim of an hourly job (lib/hourly.ts's `claim`): this holder takes `name` for the hour, or not. */
export function hourlyLease(db: Db, name: string, now: () => Date, holder: string = thisInstance): () => Promise<boolean> {
  return () => claimLease(db, name, holder, now(), hourlyLeaseMs);
}

/** Gives up every lease `holder` holds (a clean shutdown), so another instance, or this one restarted, may run the jobs at once. */
export async function releaseLeases(db: Db, holder: string = thisInstance): Promise<void> {
  await db.delete(jobLeases).where(eq(jobLeases.holder, holder)).run();
}
