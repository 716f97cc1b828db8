/** Test helpers: a temporary data directory, a config for it, and the app or a real server on a free port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { closeDb, databasePath, openDb, type Db } from '../../server/db/client.ts';

/** The repository's models/ folder (the .onnx files are built by scripts/prepare-models.ts). */
export const repoModelsDir = fileURLToPath(new URL('../../models', import.meta.url));

/** A clock the test can move. */
export class TestClock {
  constructor(public time = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

/** One isolated server instance: its own data dir, database, clock and (optionally) a listening socket. */
export interface TestServer {
  config: Config;
  db: Db;
  clock: TestClock;
  app: ReturnType<typeof createApp>;
  dataDir: string;
  /** Base URL when started with listen: true. */
  url: string;
  close(): Promise<void>;
}

/** Creates a server over a temporary DATA_DIR; scrypt cost is lowered so suites stay fast. */
export async function startTestServer(
  options: { env?: Record<string, string>; listen?: boolean } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clearcut-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DIST_DIR: join(dataDir, 'dist'),
    MODELS_DIR: repoModelsDir,
    SCRYPT_LOG_N: '10',
    ...options.env,
  });
  const db = openDb(databasePath(dataDir));
  const clock = new TestClock();
  const app = createApp({ config, db, now: clock.now });
  let url = '';
  let server: ReturnType<typeof serve> | undefined;
  if (options.listen) {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  }
  return {
    config,
    db,
    clock,
    app,
    dataDir,
    get url() {
      return url;
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      closeDb(db);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
