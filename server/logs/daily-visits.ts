/**
 * Daily visit counts: requests and distinct visitors (IP + user agent) per UTC day. Each finished
 * day is rolled up into `daily_visit_counts` (two numbers, no visitor) by the hourly job before its
 * access-log rows reach the retention limit, so the counts outlive the rows.
 */
import { and, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accessLogs, dailyVisitCounts } from '../db/schema.ts';
import { flushAccessLog } from './access-log-buffer.ts';

/** One day's counts. */
export interface DayCount {
  day: string;
  requests: number;
  visitors: number;
}

const dayMs = 86_400_000;
// The UTC day as a whole number of days since 1970: integer division in both SQLite and PostgreSQL
// (their date functions differ), turned into `YYYY-MM-DD` here.
const dayNumber = sql<number>`(${accessLogs.time} / ${sql.raw(String(dayMs))})`;

/** Midnight UTC of the day `now` is in. */
function startOfDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / dayMs) * dayMs);
}

/** Counts straight from the access log between two times, per day. */
async function countLogRows(db: Db, from: Date, to: Date): Promise<DayCount[]> {
  // The rows still in memory count too (a day's last second is rolled up with it).
  await flushAccessLog(db);
  const rows = await db
    .select({
      day: dayNumber,
      requests: sql<number>`count(*)`,
      visitors: sql<number>`count(distinct ${accessLogs.ip} || '|' || coalesce(${accessLogs.userAgent}, ''))`,
    })
    .from(accessLogs)
    .where(and(gte(accessLogs.time, from), lt(accessLogs.time, to)))
    .groupBy(dayNumber)
    .all();
  return rows.map((row) => ({ ...row, day: new Date(Number(row.day) * dayMs).toISOString().slice(0, 10) }));
}

/**
 * Stores the counts of every finished day that has log rows and no stored counts yet; returns
 * how many days were added. A day is rolled up once, whole: its rows are all there until the
 * retention limit, which is at least a day away.
 */
export async function rollUpDailyVisits(db: Db, now: Date): Promise<number> {
  const rows = await countLogRows(db, new Date(0), startOfDay(now));
  if (rows.length === 0) return 0;
  return (await db.insert(dailyVisitCounts).values(rows).onConflictDoNothing().run()).changes;
}

/** The last `days` days (today included), oldest first: stored counts, and the log's own rows for days not stored yet (today). */
export async function dailyVisits(db: Db, days = 30, now: Date = new Date()): Promise<DayCount[]> {
  const from = new Date(startOfDay(now).getTime() - (days - 1) * dayMs);
  const fromDay = from.toISOString().slice(0, 10);
  const stored = await db.select().from(dailyVisitCounts).where(gte(dailyVisitCounts.day, fromDay)).all();
  const storedDays = new Set(stored.map((row) => row.day));
  const live = (await countLogRows(db, from, new Date(now.getTime() + 1))).filter((row) => !storedDays.has(row.day));
  return [...stored, ...live].sort((a, b) => a.day.localeCompare(b.day));
}
