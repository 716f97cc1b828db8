/**
 * PostgreSQL for the server tests: one throwaway cluster per test file (scripts/lib/pg-cluster.ts),
 * a fresh database in it for each test server. Where Debian's `postgresql` is not installed the
 * PostgreSQL half of a suite is skipped, saying so.
 */
import pg from 'pg';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../../scripts/lib/pg-cluster.ts';

/** Whether initdb and pg_ctl are installed; prints the skip message once when they are not. */
export const pgInstalled = pgBinDir() !== null;
if (!pgInstalled) console.warn(pgMissingMessage);

/** The dialects a suite runs on: SQLite always, PostgreSQL when installed. */
export const dialects = ['sqlite', 'pg'] as const;

let cluster: Promise<PgCluster> | undefined;
let databases = 0;

/** Starts this file's cluster on first use. */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}

/** A new empty database in this file's cluster; its URL. */
export async function freshPgDatabase(): Promise<string> {
  const { url } = await pgCluster();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const name = `test_${process.pid}_${++databases}`;
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/clearcut$/, `/${name}`);
}

/** Stops this file's cluster, if one was started (call in afterAll). */
export async function stopPgCluster(): Promise<void> {
  if (cluster) (await cluster).stop();
  cluster = undefined;
}
