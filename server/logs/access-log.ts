/** The access log table: reading a person's own rows, and purging by age (rows are written by access-log-buffer.ts). */
import { desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accessLogs } from '../db/schema.ts';
import { flushAccessLog } from './access-log-buffer.ts';

/** Deletes rows older than the retention period; returns how many went. */
export async function purgeAccessLogs(db: Db, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  return (await db.delete(accessLogs).where(lt(accessLogs.time, cutoff)).run()).changes;
}

/** A person's own rows as GET /api/me/access-log returns them. */
export interface AccessLogView {
  time: string;
  ip: string;
  userAgent: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The API key's prefix when the request used one. */
  apiKey: string | null;
}

/** A user's most recent rows, newest first. */
export async function listUserAccessLog(db: Db, userId: string, limit = 200): Promise<AccessLogView[]> {
  await flushAccessLog(db);
  return (await db
    .select()
    .from(accessLogs)
    .where(eq(accessLogs.userId, userId))
    .orderBy(desc(accessLogs.time), desc(accessLogs.id))
    .limit(limit)
    .all())
    .map((row) => ({
      time: row.time.toISOString(),
      ip: row.ip,
      userAgent: row.userAgent,
      method: row.method,
      path: row.path,
      status: row.status,
      durationMs: row.durationMs,
      apiKey: row.apiKeyPrefix,
    }));
}
