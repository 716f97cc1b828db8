/**
 * Statements prepared once per connection: the hot paths (session and API-key checks, the access
 * log, GET /api/me) reuse one prepared statement instead of building and preparing their SQL on
 * every request, which was most of a request's CPU time (see "Load" in server/README.md).
 */
import type { Db } from './client.ts';

/** Wraps `build` so it runs once per database connection; later calls get the same statements. */
export function preparedOnce<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (prepared === undefined) {
      prepared = build(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}

/** A select prepared once, run with named placeholder values; the same call in both dialects. */
export interface PreparedSelect<Row> {
  execute(values?: Record<string, unknown>): Promise<Row[]>;
}

/**
 * Prepares a select built with `sql.placeholder`s. PostgreSQL prepares statements by name (per
 * connection, by node-postgres, on first use); SQLite ignores the name.
 */
export function preparedQuery<Row>(select: { _: { result: Row[] }; prepare(): unknown }, name: string): PreparedSelect<Row> {
  const prepared = (select.prepare as (name: string) => { execute(values?: Record<string, unknown>): PromiseLike<Row[]> | Row[] }).call(select, name);
  return { execute: async (values) => prepared.execute(values) };
}
