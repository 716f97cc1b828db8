/** A consistent copy of the live database, with SQLite's online backup API (the server may keep writing). */
import { existsSync } from 'node:fs';
import type { Db } from './client.ts';

/** Copies the database to `file` page by page while it stays in use; refuses to overwrite an existing file. */
export async function backupDatabase(db: Db, file: string): Promise<{ pages: number }> {
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  const { totalPages } = await db.$client.backup(file);
  return { pages: totalPages };
}
