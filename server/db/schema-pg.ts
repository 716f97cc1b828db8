/**
 * The PostgreSQL schema, derived from schema.ts (the one definition): the same tables, columns,
 * defaults, keys, indexes and checks, each column stored so that schema.ts's value mapping holds
 * (see db/pg.ts): timestamp_ms integers as bigint milliseconds, booleans as boolean, buffers as
 * bytea, autoincrement ids as bigint identities. Only drizzle-kit reads it, to write
 * migrations-pg/ (`npx drizzle-kit generate --config drizzle-pg.config.ts`).
 */
import { Column, SQL, getTableColumns, is, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from './schema.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** What SQLite's `(unixepoch('subsec') * 1000)` default is in PostgreSQL. */
const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

type AnyPgTable = PgTableWithColumns<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The PostgreSQL column for one SQLite column. */
function pgColumn(column: Column): PgColumnBuilderBase {
  const name = column.name;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let builder: any;
  switch (column.columnType) {
    case 'SQLiteTimestamp':
      builder = bigint(name, { mode: 'number' });
      break;
    case 'SQLiteBoolean':
      builder = boolean(name);
      break;
    case 'SQLiteBlobBuffer':
      builder = bytea(name);
      break;
    case 'SQLiteInteger':
      builder = (column as unknown as { autoIncrement?: boolean }).autoIncrement
        ? bigint(name, { mode: 'number' }).generatedByDefaultAsIdentity()
        : integer(name);
      break;
    case 'SQLiteText':
      builder = text(name);
      break;
    default:
      throw new Error(`schema-pg: no PostgreSQL type for ${column.columnType} (${name})`);
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull && !column.primary) builder = builder.notNull();
  if (column.hasDefault && column.default !== undefined) {
    builder = builder.default(is(column.default, SQL) ? nowMs : column.default);
  }
  if (column.isUnique) builder = builder.unique(column.uniqueName);
  return builder;
}

/** Rewrites a SQL fragment of SQLite columns (a check) to the PostgreSQL table's columns. */
function remap(fragment: SQL, columns: Record<string, Column>): SQL {
  return new SQL(fragment.queryChunks.map((chunk) => (is(chunk, Column) ? columns[chunk.name]! : chunk)));
}

const built = new Map<string, AnyPgTable>();

/** The PostgreSQL table for one SQLite table (tables it references are built first). */
function pgTableFor(table: SQLiteTable): AnyPgTable {
  const config = getTableConfig(table);
  const existing = built.get(config.name);
  if (existing) return existing;
  const columns = Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [key, pgColumn(column)]));
  const result = pgTable(config.name, columns, (t) => {
    const byName = Object.fromEntries(Object.values(t).map((column) => [(column as Column).name, column as Column]));
    const pick = (cols: Column[]) => cols.map((c) => byName[c.name]!) as [Column, ...Column[]];
    return [
      ...config.indexes.map((i) => {
        const make = i.config.unique ? uniqueIndex : index;
        return make(i.config.name).on(...(pick(i.config.columns as Column[]) as [never, ...never[]]));
      }),
      ...config.checks.map((c) => check(c.name, remap(c.value, byName))),
      ...config.primaryKeys.map((pk) => primaryKey({ columns: pick(pk.columns) as [never, ...never[]] })),
      ...config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const target = pgTableFor(ref.foreignTable as SQLiteTable);
        const targetColumns = Object.fromEntries(Object.values(getTableColumns(target) as Record<string, Column>).map((c) => [c.name, c]));
        const key = foreignKey({
          columns: pick(ref.columns) as [never, ...never[]],
          foreignColumns: ref.foreignColumns.map((c) => targetColumns[c.name]!) as [never, ...never[]],
        });
        return fk.onDelete ? key.onDelete(fk.onDelete) : key;
      }),
    ];
  });
  built.set(config.name, result);
  return result;
}

const tables = (Object.values(sqliteSchema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));
for (const table of tables) pgTableFor(table);

/** Every table, by its SQL name. */
export const pgTables: ReadonlyMap<string, AnyPgTable> = built;

export const {
  users,
  email_tokens,
  oidc_identities,
  oidc_pending_links,
  oidc_flows,
  sessions,
  credit_ledger,
  credit_balances,
  orders,
  memberships,
  webhook_events,
  api_keys,
  access_logs,
  policy_acceptances,
  child_email_hashes,
  support_requests,
  admin_audit_log,
  daily_visit_counts,
  rate_limits,
  avatars,
  job_leases,
} = Object.fromEntries(built) as Record<string, AnyPgTable>;
