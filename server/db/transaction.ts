/**
 * One transaction helper for both dialects, so a ledger change and the caller's own writes land
 * together or not at all. `fn` receives the handle to run its queries on and must await only
 * database calls (never a network request or a password hash) while it holds the transaction.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sqliteClient, type Db } from './client.ts';
import { isPg } from './pg.ts';
import { preparedOnce } from './prepared.ts';

/** The SQLite connections a transaction is open on, in the current async context. */
const openOn = new AsyncLocalStorage<Set<Db>>();

/** FIFO mutex per SQLite connection: one transaction at a time on it. */
const queues = new WeakMap<Db, Promise<void>>();

let savepoints = 0;

/** SQLite's BEGIN, COMMIT and ROLLBACK, prepared once per connection (preparing them cost as much as a query). */
const control = preparedOnce((db) => {
  const sqlite = sqliteClient(db);
  return { begin: sqlite.prepare('begin immediate'), commit: sqlite.prepare('commit'), rollback: sqlite.prepare('rollback') };
});

/**
 * Runs `fn` in one transaction and returns what it returns; a throw rolls everything back.
 * PostgreSQL: a transaction on one pooled connection (READ COMMITTED; the ledger takes row
 * locks), a savepoint when `db` is already a transaction. SQLite: one connection for the whole
 * process, so transactions are serialized here (BEGIN IMMEDIATE ... COMMIT behind a FIFO
 * queue), with a savepoint when this async context already holds one.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (isPg(db)) return (db as unknown as { transaction(f: (tx: Db) => Promise<T>): Promise<T> }).transaction(fn);
  const held = openOn.getStore();
  if (held?.has(db)) return await savepoint(db, fn);

  const previous = queues.get(db) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  queues.set(
    db,
    previous.then(() => mine),
  );
  await previous;
  try {
    const statements = control(db);
    statements.begin.run();
    try {
      const result = await openOn.run(new Set([...(held ?? []), db]), () => fn(db));
      statements.commit.run();
      return result;
    } catch (err) {
      if (sqliteClient(db).inTransaction) statements.rollback.run();
      throw err;
    }
  } finally {
    release();
  }
}

async function savepoint<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const name = `sp${++savepoints}`;
  const sqlite = sqliteClient(db);
  sqlite.prepare(`savepoint ${name}`).run();
  try {
    const result = await fn(db);
    sqlite.prepare(`release ${name}`).run();
    return result;
  } catch (err) {
    sqlite.prepare(`rollback to ${name}`).run();
    sqlite.prepare(`release ${name}`).run();
    throw err;
  }
}

/**
 * A select whose rows stay locked until the transaction ends: `FOR UPDATE` on PostgreSQL; as is
 * on SQLite, where a transaction holds the whole database already.
 */
export async function forUpdate<T>(select: PromiseLike<T[]>): Promise<T[]> {
  const pgSelect = select as unknown as { for?: (strength: 'update') => Promise<T[]> };
  return typeof pgSelect.for === 'function' ? pgSelect.for('update') : select;
}
