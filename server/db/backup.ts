/** A consistent copy of the live database, with SQLite's online backup API (the server may keep writing). */
import { existsSync } from 'node:fs';
import { dialectOf, sqliteClient, type Db } from './client.ts';

/** Copies the database to `file` page by page while it stays in use; refuses to overwrite an existing file. */
export async function backupDatabase(db: Db, file: string): Promise<{ pages: number }> {
  if (dialectOf(db) === 'pg') throw new Error('backup copies a SQLite database; back up PostgreSQL with pg_dump (see server/README.md)');
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  const { totalPages } = await sqliteClient(db).backup(file);
  return { pages: totalPages };
}
