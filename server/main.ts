/** Starts clearcut's server: migrations, the API, /models and the built PWA on one port. */
import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { runPrimary } from './cluster.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { closeDb, databaseTarget, openDatabase } from './db/client.ts';
import { releaseLeases } from './db/leases.ts';
import { flushAccessLog } from './logs/access-log-buffer.ts';
import { createMailer } from './mail/mailer.ts';
import { startMembershipSettling } from './billing/memberships.ts';
import { membershipProduct } from './billing/products.ts';
import { startHourlyPurge } from './maintenance.ts';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

const config = readConfig();
// CLEARCUT_WORKERS > 1: this process only forks the servers (cluster.ts), each of which runs on below.
if (config.workers > 1 && cluster.isPrimary) await runPrimary(config.workers, databaseTarget(config));
const db = await openDatabase(databaseTarget(config));
let stopping = false;
// Built here, not by createApp, so that shutdown can wait for the mails still being sent.
const mailer = createMailer(config.mail, config.dataDir);
const app = createApp({ config, db, mailer, stopping: () => stopping });
// Old access-log rows, expired sessions and expired mailed links go at start and hourly.
const stopPurge = startHourlyPurge(db, config.logRetentionDays);
if (!config.mail.smtpUrl) console.log(`clearcut: no SMTP_URL, so mails are saved in ${config.dataDir}/outbox and their links printed here`);
// Local memberships renew and cancelled ones expire on the hour (and whenever their owner looks).
const stopSettling = startMembershipSettling(db, membershipProduct(config.billing));

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  // Tests and scripts wait for this exact line.
  console.log(`clearcut listening on http://localhost:${info.port}`);
});

server.on('error', async (err: NodeJS.ErrnoException) => {
  // Most often EADDRINUSE: say which address, without a stack trace.
  console.error(`clearcut: cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`);
  stopPurge();
  stopSettling();
  await closeDb(db);
  process.exit(1);
});

/** How long requests in flight may take to finish after SIGTERM before their connections are cut. */
const shutdownGraceMs = 10_000;

/**
 * Graceful shutdown: stop accepting connections, let the requests in flight finish (each
 * connection closes after its answer; idle ones at once), write the access-log rows still in
 * memory and finish sending mail, then close the database, which checkpoints the WAL. A spend in flight either commits
 * and is answered, or never starts.
 */
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`clearcut: ${signal}, shutting down: no new connections, finishing the requests in flight`);
  stopPurge();
  stopSettling();
  server.close(async () => {
    // The access-log rows of the last requests are still in memory: written before the database
    // closes; and the mails those requests started (a confirmation link) finish sending.
    await Promise.all([flushAccessLog(db), mailer.flush()]);
    // The hourly jobs' leases go too: a restarted instance (a deploy) runs them at start again.
    await releaseLeases(db);
    await closeDb(db);
    console.log('clearcut: stopped');
    process.exit(0);
  });
  const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
  http.closeIdleConnections?.();
  setTimeout(async () => {
    console.error(`clearcut: requests still open after ${shutdownGraceMs / 1000} s; closing their connections`);
    http.closeAllConnections?.();
    await Promise.all([flushAccessLog(db), mailer.flush()]);
    await closeDb(db);
    process.exit(1);
  }, shutdownGraceMs).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
