/**
 * CLEARCUT_WORKERS=N: N server processes on one port (node:cluster; the primary hands each
 * connection to a worker in turn) and one database, when one process's core is not enough. Each
 * worker is the whole server (main.ts); what they share lives in the database (sessions, rate
 * limits, the hourly jobs' leases), and SQLite in WAL mode takes readers in every process and one
 * writer at a time (busy timeout). The primary only migrates, forks and passes signals on.
 */
import cluster from 'node:cluster';
import { closeDb, openDatabase, type DatabaseTarget } from './db/client.ts';

/** Runs the primary: migrates once, forks `workers` servers, and exits when they all have (never returns). */
export async function runPrimary(workers: number, target: DatabaseTarget): Promise<never> {
  // Migrated here, once, before any worker opens the database.
  await closeDb(await openDatabase(target));
  let stopping = false;
  let worst = 0;
  const listening = new Set<number>();
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping && listening.has(worker.id)) {
      // A worker that dies on its own is replaced: the others keep serving meanwhile. Its crash is
      // logged, not kept for the exit code: a later clean shutdown of the server is still clean.
      console.error(`clearcut: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      cluster.fork();
      return;
    }
    worst = Math.max(worst, code ?? 1);
    if (!stopping) {
      // It never started (a bad configuration, the port taken): another would fail the same way.
      console.error(`clearcut: a worker could not start (${signal ?? code}); stopping`);
      stop('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(worst);
  });
  function stop(signal: NodeJS.Signals): void {
    stopping = true;
    // Each worker shuts down gracefully on its own (main.ts): finishes its requests, closes the database.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(worst);
  }
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return await new Promise<never>(() => {});
}
