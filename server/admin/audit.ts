/** The admin audit log: one row per admin action, from the console or `npm run admin`; append-only (the table's triggers refuse UPDATE and DELETE). */
import { hostname, userInfo } from 'node:os';
import { desc, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adminAuditLog } from '../db/schema.ts';

/** What admins can do; each is one audit row. */
export type AdminAction =
  | 'make_admin'
  | 'ban'
  | 'unban'
  | 'adjust_credits'
  | 'refund_order'
  | 'close_child_account'
  | 'answer_support'
  | 'close_support';

/** Who the audit log names for `npm run admin`: the command line, and the system user that ran it. */
export function commandLineAdmin(): { id: string; email: string } {
  let who = 'unknown user';
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    // userInfo() throws for a uid without a passwd entry (some containers).
  }
  return { id: 'cli', email: `command line (${who})` };
}

/** Appends one row: who (id and address at the time), what, on what, and the details (never a secret or a message). */
export async function writeAudit(
  db: Db,
  entry: { admin: { id: string; email: string }; action: AdminAction; target: string | null; detail?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await db.insert(adminAuditLog)
    .values({
      adminId: entry.admin.id,
      adminEmail: entry.admin.email,
      action: entry.action,
      target: entry.target,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      createdAt: now,
    })
    .run();
}

/** A page of the log, newest first; `before` is the previous page's last id. */
export async function listAudit(db: Db, options: { before?: number; limit: number }) {
  const rows = await db
    .select()
    .from(adminAuditLog)
    .where(options.before ? lt(adminAuditLog.id, options.before) : undefined)
    .orderBy(desc(adminAuditLog.id))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((row) => ({
      id: row.id,
      adminId: row.adminId,
      adminEmail: row.adminEmail,
      action: row.action,
      target: row.target,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > options.limit ? String(page.at(-1)!.id) : null,
  };
}
