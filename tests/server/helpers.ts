/**
 * Test helpers: a temporary data directory, a config for it, and the app, called in-process with
 * `app.request()` or, for tests that need a socket (client IPs, connections, processes), served
 * on a free loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { hc } from 'hono/client';
import { expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { createApp, type AppDeps, type AppType } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { closeDb, databaseTarget, openDatabase, sqliteClient, type Db } from '../../server/db/client.ts';
import { isPg } from '../../server/db/pg.ts';
import { users } from '../../server/db/schema.ts';
import { flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { createMailer } from '../../server/mail/mailer.ts';
import { freshPgDatabase, testDialect } from './pg.ts';

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
  /** Base URL: the listening server's with listen: true, else http://localhost (what app.request() uses). */
  url: string;
  /** Sends a request to the app: over HTTP when listening, else in-process through app.request(). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** How many connections the listening server has accepted so far (0 in-process). */
  connectionCount(): number;
  close(): Promise<void>;
}

const relaxedRateLimits = {
  RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: '100000',
  RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '100000',
  RATE_LIMIT_LOGIN_FAILURES_PER_IP: '100000',
  RATE_LIMIT_PASSWORD_CHANGES_PER_HOUR: '100000',
};

/** Creates a server over a temporary DATA_DIR; scrypt cost is lowered so suites stay fast. */
export async function startTestServer(
  options: { env?: Record<string, string>; listen?: boolean; port?: number; realRateLimits?: boolean; deps?: Partial<AppDeps>; dialect?: 'sqlite' | 'pg' } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'clearcut-test-'));
  // On PostgreSQL (asked for, or the `server-pg` project's default): a fresh database (tests/server/pg.ts).
  const databaseUrl = (options.dialect ?? testDialect) === 'pg' ? await freshPgDatabase() : undefined;
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    DATA_DIR: dataDir,
    DIST_DIR: join(dataDir, 'dist'),
    MODELS_DIR: repoModelsDir,
    SCRYPT_LOG_N: '10',
    // Flow tests sign up many accounts from one IP; the rate-limit tests ask for the real defaults.
    ...(options.realRateLimits ? {} : relaxedRateLimits),
    ...options.env,
  });
  const db = await openDatabase(databaseTarget(config));
  const clock = new TestClock();
  // Mails go to the temporary outbox without a console line each (mail tests pass their own mailer).
  const mailer = createMailer(config.mail, dataDir, () => {});
  const app = createApp({ config, db, now: clock.now, mailer, ...options.deps });
  let url = 'http://localhost';
  let server: ReturnType<typeof serve> | undefined;
  let connections = 0;
  if (options.listen) {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
      server.on('connection', () => (connections += 1));
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
    connectionCount: () => connections,
    request: (path, init) => (server ? fetch(`${url}${path}`, init) : Promise.resolve(app.request(path, init))),
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      // As main.ts does on its way out: the access-log rows still in memory are written first.
      await flushAccessLog(db);
      await closeDb(db);
      // Mail is sent after the answer: a send still writing to the outbox must end before the
      // folder goes (in-process requests leave no connection for close() to wait on).
      await (options.deps?.mailer ?? mailer).flush();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs raw SQL with `?` placeholders on a test server's database, in either dialect, and returns
 * its rows (none for a write). For checks on stored rows; values as each driver gives them.
 */
export async function sqlRows<T = Record<string, unknown>>(db: Db, query: string, ...params: unknown[]): Promise<T[]> {
  if (isPg(db)) {
    let n = 0;
    const pool = (db as unknown as { $client: { query(text: string, values: unknown[]): Promise<{ rows: T[] }> } }).$client;
    return (await pool.query(query.replace(/\?/g, () => `$${++n}`), params)).rows;
  }
  const statement = sqliteClient(db).prepare(query);
  if (!statement.reader) {
    statement.run(...params);
    return [];
  }
  return statement.all(...params) as T[];
}

/** A fake browser: keeps cookies, sends the app's Origin unless told otherwise, speaks JSON. */
export class Client {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly server: TestServer,
    private readonly defaults: { headers?: Record<string, string> } = {},
  ) {}

  /** Sends a request (see TestServer.request). `origin: null` omits the Origin header. */
  async request(
    method: string,
    path: string,
    options: { json?: unknown; body?: RequestInit['body']; headers?: Record<string, string>; origin?: string | null } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...this.defaults.headers };
    const origin = options.origin === undefined ? this.server.url : options.origin;
    if (origin !== null) headers['Origin'] = origin;
    if (this.cookies.size > 0) headers['Cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    Object.assign(headers, options.headers);
    const res = await this.server.request(path, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, options?: Parameters<Client['request']>[2]) {
    return this.request('GET', path, options);
  }
  post(path: string, json?: unknown, options?: Parameters<Client['request']>[2]) {
    return this.request('POST', path, { json, ...options });
  }
  patch(path: string, json?: unknown, options?: Parameters<Client['request']>[2]) {
    return this.request('PATCH', path, { json, ...options });
  }
  delete(path: string, json?: unknown, options?: Parameters<Client['request']>[2]) {
    return this.request('DELETE', path, { json, ...options });
  }

  /**
   * Signs up (and so in) with a fresh email; returns the email and password used. The address
   * is marked confirmed, as if the mailed link had been opened, unless `verified: false`.
   */
  async signUp(
    email = uniqueEmail(),
    password = strongPassword,
    options: { verified?: boolean } = {},
  ): Promise<{ email: string; password: string; userId: string }> {
    const res = await this.post('/api/auth/signup', { email, password, ...signupConsent });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
    const { user } = (await res.json()) as { user: { id: string } };
    if (options.verified !== false) {
      await this.server.db.update(users).set({ emailVerifiedAt: this.server.clock.now() }).where(eq(users.id, user.id)).run();
    }
    return { email, password, userId: user.id };
  }
}

/** What the sign-up form adds to every sign-up: the terms and privacy policy accepted, and the age choice. */
export const signupConsent = { ageConfirmation: 'adult', acceptPolicies: true } as const;

/** A password that passes the policy. */
export const strongPassword = 'correct horse battery staple';

let counter = 0;
/** A new email address for each call. */
export function uniqueEmail(): string {
  counter += 1;
  return `person${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** The error code of an error response. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.message).toBe('string');
  return body.error?.code ?? '(none)';
}

/** The JSON body of a response, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}

/**
 * The typed RPC client the PWA uses (`hc<AppType>`), against the test server. A browser
 * adds Origin and keeps the session cookie by itself; this does both by hand.
 */
export function rpcClient(server: TestServer) {
  let cookie = '';
  return hc<AppType>(server.url, {
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('Origin', server.url);
      if (cookie) headers.set('Cookie', cookie);
      const url = new URL(input instanceof Request ? input.url : input);
      const res = await server.request(`${url.pathname}${url.search}`, { ...init, headers, redirect: 'manual' });
      const set = res.headers.getSetCookie()[0];
      if (set) cookie = set.split(';')[0]!;
      return res;
    },
  });
}
