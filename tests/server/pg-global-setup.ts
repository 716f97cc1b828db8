/**
 * vitest globalSetup of the `server-pg` project: one throwaway PostgreSQL cluster for the whole
 * run (scripts/lib/pg-cluster.ts), with a template database already migrated, so that each test
 * server's fresh database is a copy of it (tests/server/pg.ts) instead of a cluster and a migration
 * per file. Stopped and removed when the run ends.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startPgCluster } from '../../scripts/lib/pg-cluster.ts';
import { closeDb, openDatabase } from '../../server/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL cluster: its URL and the migrated template database to copy. */
    pgRun: { url: string; template: string };
  }
}

export default async function startRunCluster(project: TestProject): Promise<() => void> {
  const cluster = await startPgCluster();
  const template = 'clearcut_template';
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`create database ${template}`);
  } finally {
    await admin.end();
  }
  // Migrated once here; every copy starts with the schema and the migrations journal.
  await closeDb(await openDatabase({ dialect: 'pg', url: cluster.url.replace(/\/clearcut$/, `/${template}`) }));
  project.provide('pgRun', { url: cluster.url, template });
  return () => cluster.stop();
}
