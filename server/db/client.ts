/**
 * Opens the database: SQLite (WAL, foreign keys, busy timeout) by default, or PostgreSQL when
 * DATABASE_URL is set (db/pg.ts); applies the dialect's migrations either way. The rest of the
 * server sees one `Db` and awaits every query, so the same code runs on both.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { closePg, isPg, openPg, pgReachable } from './pg.ts';
import * as schema from './schema.ts';

/**
 * The drizzle handle every query goes through, typed as an asynchronous SQLite database: every
 * `.get()`, `.all()`, `.run()` and query is awaited. On SQLite it is better-sqlite3 (synchronous
 * underneath: awaiting its results costs a microtask); on PostgreSQL it is drizzle's node-postgres
 * database over the same table objects, given the same three methods (db/pg.ts explains why that
 * holds). Transactions go through `inTransaction` (db/transaction.ts), never `db.transaction`.
 */
export type Db = BaseSQLiteDatabase<'async', Database.RunResult, typeof schema>;

/** The better-sqlite3 connection under a SQLite handle. */
export function sqliteClient(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}

/** Which database a configuration names: the SQLite file in DATA_DIR, or a PostgreSQL URL. */
export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'pg'; url: string };

/** Where drizzle-kit writes the SQLite migrations (kept in the repository). */
export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The database file inside DATA_DIR. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'clearcut.sqlite');
}

/** The database a configuration names: DATABASE_URL when set, else DATA_DIR's SQLite file. */
export function databaseTarget(config: { databaseUrl: string | undefined; dataDir: string }): DatabaseTarget {
  return config.databaseUrl ? { dialect: 'pg', url: config.databaseUrl } : { dialect: 'sqlite', file: databasePath(config.dataDir) };
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(target: DatabaseTarget): Promise<Db> {
  return target.dialect === 'pg' ? await openPg(target.url) : openDb(target.file);
}

/** Opens (creating if needed) the SQLite file and brings its schema up to date. */
export function openDb(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle({ client: sqlite, schema });
  // Rebuilding a parent table (SQLite's way to change a column) drops it, and with foreign keys on
  // that drop deletes every child row by cascade. The migrator runs inside a transaction, where the
  // migrations' own `PRAGMA foreign_keys=OFF` is a no-op, so keys are off here and checked after.
  sqlite.pragma('foreign_keys = OFF');
  migrate(db, { migrationsFolder: migrationsDir });
  const violations = sqlite.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) throw new Error(`The database has ${violations.length} broken foreign keys after migrating.`);
  sqlite.pragma('foreign_keys = ON');
  return db as unknown as Db;
}

/** Which dialect a handle speaks. */
export function dialectOf(db: Db): 'sqlite' | 'pg' {
  return isPg(db) ? 'pg' : 'sqlite';
}

/** True when the connection is open and answers a query (the readiness check). */
export async function databaseReachable(db: Db): Promise<boolean> {
  if (isPg(db)) return await pgReachable(db);
  try {
    const sqlite = sqliteClient(db);
    return sqlite.open && sqlite.prepare('select 1').pluck().get() === 1;
  } catch {
    return false;
  }
}

/** Closes the connection (SQLite checkpoints the WAL; PostgreSQL's pool ends its connections). */
export async function closeDb(db: Db): Promise<void> {
  if (isPg(db)) return await closePg(db);
  const sqlite = sqliteClient(db);
  if (sqlite.open) sqlite.close();
}

/** The first row of a select, or undefined. */
export function firstRow<T>(rows: T[]): T | undefined {
  return rows[0];
}

/** Runs raw SQL and returns its rows as objects, in either dialect (for reports, not hot paths). */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  if (isPg(db)) return (await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query)).rows;
  return db.all<T>(query);
}

/** True for a unique-constraint violation, in either dialect (SQLite's code, PostgreSQL's SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // drizzle wraps the driver's error in its own and keeps the original as `cause`.
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
