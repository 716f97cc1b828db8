/**
 * PostgreSQL through drizzle's node-postgres driver. The domain code builds its queries from the
 * table objects of schema.ts (SQLite's) and drizzle renders them in the database's own dialect:
 * only names, parameters and each column's value mapping come from those objects, so the
 * PostgreSQL schema (schema-pg.ts, derived from schema.ts) stores values the same way: times as
 * bigint milliseconds, flags as booleans, hashes as bytea. int8 values are read as numbers
 * (milliseconds and counts stay far below 2^53).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { is, sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgDatabase, PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Db } from './client.ts';

/** Where drizzle-kit writes the PostgreSQL migrations. */
export const pgMigrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

// bigint (int8) arrives as a string by default; every int8 here is a time in ms or a count.
// drizzle's node-postgres session reads the global parsers, so this is set once for the process.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

// drizzle's SQLite builders end in .get() (first row), .all() (rows) and .run() ({ changes });
// PostgreSQL's builders get the same three, so one piece of domain code runs on both.
for (const builder of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase]) {
  Object.defineProperties(builder.prototype, {
    all: { value: function all(this: { execute(): Promise<unknown> }) { return this.execute(); } },
    get: {
      value: async function get(this: { execute(): Promise<unknown[]> }) {
        return (await this.execute())[0];
      },
    },
    run: {
      value: async function run(this: { execute(): Promise<{ rowCount: number | null }> }) {
        return { changes: (await this.execute()).rowCount ?? 0 };
      },
    },
  });
}

/** Any key: one advisory lock so that instances starting together migrate one at a time. */
const migrationLock = 7_112_024;

/** True for a PostgreSQL handle (or one of its transactions). */
export function isPg(db: Db): boolean {
  return is(db, PgDatabase);
}

function pgHandle(db: Db): NodePgDatabase & { $client: pg.Pool } {
  return db as unknown as NodePgDatabase & { $client: pg.Pool };
}

/** Connects a pool to `url` and applies the PostgreSQL migrations (one instance at a time). */
export async function openPg(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', (err) => console.error('[clearcut] PostgreSQL connection error:', err.message));
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLock]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: pgMigrationsDir });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationLock]);
    }
  } catch (err) {
    client.release();
    await pool.end();
    throw err;
  }
  client.release();
  return drizzle({ client: pool }) as unknown as Db;
}

/** True when the database answers `select 1`. */
export async function pgReachable(db: Db): Promise<boolean> {
  try {
    const result = await pgHandle(db).execute(sql`select 1 as one`);
    return result.rows[0]?.one === 1;
  } catch {
    return false;
  }
}

/** Ends the pool's connections. */
export async function closePg(db: Db): Promise<void> {
  const pool = pgHandle(db).$client;
  if (!pool.ended) await pool.end();
}
