/**
 * PostgreSQL for the server tests. In the `server-pg` project (the server suite run again on
 * PostgreSQL, vitest.config.ts) one cluster serves the whole run (pg-global-setup.ts) and each test
 * server gets a copy of its migrated template; elsewhere (dialects.test.ts, instances.test.ts in
 * the SQLite run) a file starts its own cluster on first use. Where Debian's `postgresql` is not
 * installed the PostgreSQL half of a suite is skipped, saying so.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { pgBinDir, pgMissingMessage, startPgCluster, type PgCluster } from '../../scripts/lib/pg-cluster.ts';

/** Whether initdb and pg_ctl are installed; prints the skip message once when they are not. */
export const pgInstalled = pgBinDir() !== null;
if (!pgInstalled) console.warn(pgMissingMessage);

/** The dialects a suite runs on: SQLite always, PostgreSQL when installed. */
export const dialects = ['sqlite', 'pg'] as const;

/** The dialect test servers use unless a test names one: PostgreSQL in the `server-pg` project. */
export const testDialect: 'sqlite' | 'pg' = process.env.CLEARCUT_TEST_DATABASE === 'pg' ? 'pg' : 'sqlite';

/** The run's cluster and template when the project's global setup started one. */
const runCluster = testDialect === 'pg' ? inject('pgRun') : undefined;

let cluster: Promise<PgCluster> | undefined;
let databases = 0;

/** This file's cluster (or the run's), started on first use. */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= runCluster ? Promise.resolve({ url: runCluster.url, stop: () => {} }) : startPgCluster();
  return cluster;
}

/** A new database in the cluster, its URL: a copy of the run's migrated template, or empty. */
export async function freshPgDatabase(): Promise<string> {
  const { url } = await pgCluster();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Random too: the run's cluster outlives each file's process, and a later one may get the same pid.
  const name = `test_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    await client.query(`create database ${name}${runCluster ? ` template ${runCluster.template}` : ''}`);
  } finally {
    await client.end();
  }
  return url.replace(/\/clearcut$/, `/${name}`);
}

/** Stops this file's cluster, if it started one (call in afterAll); the run's stays up. */
export async function stopPgCluster(): Promise<void> {
  if (cluster) (await cluster).stop();
  cluster = undefined;
}
