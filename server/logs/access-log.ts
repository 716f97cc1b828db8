/** The access log table: writing rows, reading a person's own rows, and purging by age. */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { sqliteClient, type Db } from '../db/client.ts';
import { isPg } from '../db/pg.ts';
import { preparedOnce } from '../db/prepared.ts';
import { accessLogs } from '../db/schema.ts';

/** One access-log row as written; nothing beyond these fields is ever recorded. */
export type AccessLogEntry = Omit<typeof accessLogs.$inferInsert, 'id'>;

// One row per request: on SQLite a raw statement prepared once (building it through drizzle cost
// more than running it); PostgreSQL takes drizzle's insert.
const insertRowSqlite = preparedOnce((db) =>
  isPg(db)
    ? null
    : sqliteClient(db).prepare(
        `insert into access_logs (time, ip, user_agent, method, path, status, user_id, duration_ms, api_key_prefix)
         values (@time, @ip, @userAgent, @method, @path, @status, @userId, @durationMs, @apiKeyPrefix)`,
      ),
);

/** Appends one row. */
export async function recordAccess(db: Db, entry: AccessLogEntry): Promise<void> {
  const statement = insertRowSqlite(db);
  if (!statement) {
    await db.insert(accessLogs).values(entry).run();
    return;
  }
  statement.run({
    time: entry.time.getTime(),
    ip: entry.ip,
    userAgent: entry.userAgent ?? null,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    userId: entry.userId ?? null,
    durationMs: entry.durationMs,
    apiKeyPrefix: entry.apiKeyPrefix ?? null,
  });
}

/** Deletes rows older than the retention period; returns how many went. */
export async function purgeAccessLogs(db: Db, retentionDays: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  return (await db.delete(accessLogs).where(lt(accessLogs.time, cutoff)).run()).changes;
}

/** Truncates an IP to its network part (IPv4 /24, IPv6 /48), for rows that must no longer point at a person. */
export function truncateIp(ip: string): string {
  if (ip.includes('.') && !ip.includes(':')) {
    const parts = ip.split('.');
    return parts.length === 4 ? `${parts[0]}.${parts[1]}.${parts[2]}.0` : 'unknown';
  }
  if (ip.includes(':')) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter((g) => g !== '');
    return groups.length > 0 ? `${groups.slice(0, 3).join(':')}::` : '::';
  }
  return 'unknown';
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
