/**
 * Access-log rows kept in memory and written in batches: one INSERT of many rows every
 * `flushMs` (or as soon as `maxRows` are waiting) instead of one per request. Each database
 * handle has one buffer; whatever reads or changes the table calls `flushAccessLog(db)` first,
 * and the server flushes on its way out, so a clean shutdown loses nothing. A crash loses at
 * most the rows of the last interval: access-log rows, never anything of the ledger.
 */
import type { Db } from '../db/client.ts';
import { isPg } from '../db/pg.ts';
import { accessLogs } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { truncateIp } from './ip.ts';

/** One access-log row as written; nothing beyond these fields is ever recorded. */
export type AccessLogEntry = Omit<typeof accessLogs.$inferInsert, 'id'>;

/** How a buffer writes: at most `flushMs` after its first waiting row, or at once when `maxRows` wait. */
export interface AccessLogBufferOptions {
  flushMs: number;
  maxRows: number;
}

/** The default: a second, or 500 rows (9 values a row stays far below SQLite's 32,766 parameters). */
export const defaultAccessLogBuffer: AccessLogBufferOptions = { flushMs: 1000, maxRows: 500 };

const buffers = new WeakMap<Db, AccessLogBuffer>();

/** Rows waiting to be written to one database. */
export class AccessLogBuffer {
  #rows: AccessLogEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The flush in progress: flushes run one after another, so rows land in the order they came. */
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: AccessLogBufferOptions,
  ) {}

  /** How many rows wait to be written. */
  get waiting(): number {
    return this.#rows.length;
  }

  /** Queues one row; it is written with the next batch. */
  add(entry: AccessLogEntry): void {
    this.#rows.push(entry);
    if (this.#rows.length >= this.options.maxRows) void this.flush();
    // Unref'd: a waiting batch never keeps the process alive (shutdown flushes it explicitly).
    else this.#timer ??= setTimeout(() => void this.flush(), this.options.flushMs).unref();
  }

  /** Writes every waiting row; resolves once they are in the database. Never throws: a failed write is logged. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#rows;
    this.#rows = [];
    this.#writing = this.#writing.then(() => (rows.length > 0 ? writeRows(this.db, rows) : undefined));
    return this.#writing;
  }
}

/** The buffer of `db`, made with `options` on first use (later options are ignored). */
export function accessLogBuffer(db: Db, options: AccessLogBufferOptions = defaultAccessLogBuffer): AccessLogBuffer {
  let buffer = buffers.get(db);
  if (!buffer) {
    buffer = new AccessLogBuffer(db, options);
    buffers.set(db, buffer);
  }
  return buffer;
}

/** Writes the rows waiting for `db` (none when nothing was logged through it). Call before reading the table or closing. */
export async function flushAccessLog(db: Db): Promise<void> {
  await buffers.get(db)?.flush();
}

/**
 * One INSERT for the batch. If it fails, each row is tried alone, so one bad row cannot take the
 * others with it: a row whose person was deleted while it waited (a foreign-key failure) is written
 * as the deletion left that person's other rows, unlinked with its IP truncated.
 */
async function writeRows(db: Db, rows: AccessLogEntry[]): Promise<void> {
  try {
    await insert(db, rows);
    return;
  } catch {
    // Row by row below.
  }
  for (const row of rows) {
    try {
      await insert(db, [row]);
    } catch (err) {
      if (row.userId && isForeignKeyViolation(err)) {
        try {
          await insert(db, [{ ...row, userId: null, ip: truncateIp(row.ip) }]);
          continue;
        } catch (again) {
          err = again;
        }
      }
      // A full disk must not turn every response into an error: the row is dropped and said so.
      console.error('[clearcut] access log write failed:', err);
    }
  }
}

async function insert(db: Db, rows: AccessLogEntry[]): Promise<void> {
  // SQLite: one connection for the process, so the insert waits for any transaction open on it
  // (otherwise it would join, and go with, a rollback). PostgreSQL: one statement is atomic as is.
  if (isPg(db)) await db.insert(accessLogs).values(rows).run();
  else await inTransaction(db, async (tx) => void (await tx.insert(accessLogs).values(rows).run()));
}

function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code ?? ((err as { cause?: { code?: unknown } }).cause?.code);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
