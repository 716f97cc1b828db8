/**
 * The test suites: unit (pure stages, exact), server (the Hono app in-process; server-pg runs
 * the files that use the database again on PostgreSQL where it is installed), engine
 * (the real model in Node) and e2e (the built PWA in real browsers: Chromium, and the
 * cross-engine suite in tests/e2e/engines/ also in Firefox ESR and WebKitGTK where installed). `npx vitest run` runs
 * them all; `npx vitest run --project unit` one of them.
 *
 * Files run one at a time: model inference and Chromium each want every core, and the
 * engine tests share one onnxruntime session per model only inside one worker. The
 * timeouts are a safety net for slow machines, not a statement about speed.
 */
import { defineConfig } from 'vitest/config';
import { pgBinDir, pgMissingMessage } from './scripts/lib/pg-cluster.ts';

/**
 * The server files run again on PostgreSQL (`server-pg`): those that use the database through the
 * app. Left out: the ones that run both dialects themselves (dialects, instances), SQLite's own
 * files and processes (db, db-migrations, crash, credits-processes, main, shutdown, cluster, admin-check's
 * backup), and the ones that never touch the database (config*, password, mailer, static,
 * keep-alive).
 */
const serverOnPg = ['access-log', 'account', 'admin', 'admin-api', 'admin-credits', 'api-keys', 'auth', 'avatars', 'billing-local', 'billing-stripe', 'credits', 'deletion', 'edge', 'email', 'maintenance', 'oidc', 'policies', 'rate-limits', 'rpc', 'support'].map(
  (name) => `tests/server/${name}.test.ts`,
);
const pgInstalled = pgBinDir() !== null;
if (!pgInstalled) console.warn(`\n*** server-pg: ${pgMissingMessage} ***\n`);

export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'server', include: ['tests/server/**/*.test.ts'], testTimeout: 60_000 } },
      ...(pgInstalled
        ? [
            {
              extends: true as const,
              test: {
                name: 'server-pg',
                include: serverOnPg,
                testTimeout: 60_000,
                hookTimeout: 60_000,
                env: { CLEARCUT_TEST_DATABASE: 'pg' },
                // One PostgreSQL cluster for the whole run, with a migrated template database.
                globalSetup: ['tests/server/pg-global-setup.ts'],
              },
            },
          ]
        : []),
      {
        extends: true,
        test: { name: 'engine', include: ['tests/engine/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          // expect.poll gives up after 1 s by default: a page on a busy 2-core machine can
          // take longer than that to react to a click, and a poll that passes returns at once.
          expect: { poll: { timeout: 20_000 } },
          // Says which browser engines are not installed and so skipped.
          globalSetup: ['tests/e2e/support/announce-engines.ts'],
        },
      },
    ],
  },
});
