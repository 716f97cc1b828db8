/** Opens the SQLite database (WAL, foreign keys, busy timeout) and applies migrations. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

/** The drizzle database handle the routes use; `$client` is the underlying better-sqlite3 connection. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where drizzle-kit writes the migrations (kept in the repository). */
export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The database file inside DATA_DIR. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'clearcut.sqlite');
}

/** Opens (creating if needed) the database file and brings its schema up to date. */
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
  return db;
}

/** True when the connection is open and answers a query (the readiness check). */
export function databaseReachable(db: Db): boolean {
  try {
    return db.$client.open && db.$client.prepare('select 1').pluck().get() === 1;
  } catch {
    return false;
  }
}

/** Closes the connection (checkpointing the WAL). */
export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}
