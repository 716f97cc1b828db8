/**
 * The real server process (server/main.ts) on SIGTERM: it stops accepting connections, lets the
 * request in flight finish and be answered, then closes the database and exits 0. And /healthz.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { closeDb, databasePath, openDb, sqliteClient } from '../../server/db/client.ts';
import { json, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

describe('GET /healthz', () => {
  let t: TestServer;
  let stopping = false;
  beforeAll(async () => {
    t = await startTestServer({ deps: { stopping: () => stopping } });
  });
  afterAll(() => t.close());

  it('answers 200 live and ready while the database answers', async () => {
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ live: true, ready: true, database: 'ok', stopping: false });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 not ready while shutting down, and every answer then closes its connection', async () => {
    stopping = true;
    try {
      const res = await t.request('/healthz');
      expect(res.status).toBe(503);
      expect(await json(res)).toEqual({ live: true, ready: false, database: 'ok', stopping: true });
      expect(res.headers.get('connection')).toBe('close');
    } finally {
      stopping = false;
    }
  });

  it('answers 503 when the database cannot be reached', async () => {
    const other = await startTestServer();
    try {
      await closeDb(other.db);
      const res = await other.request('/healthz');
      expect(res.status).toBe(503);
      expect(await json(res)).toMatchObject({ live: true, ready: false, database: 'unreachable' });
    } finally {
      await other.close();
    }
  });
});

describe('SIGTERM', () => {
  let server: RunningServer;
  // Starting a process with tsx can take a while on a busy machine.
  beforeAll(async () => {
    server = await startServer({ SCRYPT_LOG_N: '10' });
  }, 60_000);
  afterAll(() => server.stop());

  it('stops accepting, answers the spend in flight (committed), closes the database and exits 0', async () => {
    const origin = server.url;
    const signUp = await fetch(`${origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify({ email: uniqueEmail(), password: strongPassword, ...signupConsent }),
    });
    expect(signUp.status).toBe(201);
    const cookie = signUp.headers.getSetCookie()[0]!.split(';')[0]!;
    const body = JSON.stringify({ idempotencyKey: 'in-flight-at-sigterm', width: 4000, height: 3000 });

    // The spend's headers go first with Expect: 100-continue: the server's "100 Continue" proves it
    // has the request in hand (in flight, not an idle connection) before the signal is sent.
    const { port } = new URL(origin);
    let answer!: Promise<{ status: number; body: string }>;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/credits/spend',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Origin: origin, Cookie: cookie, Expect: '100-continue' },
    });
    answer = new Promise((resolve, reject) => {
      req.on('response', (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    await new Promise<void>((resolve) => req.on('continue', () => resolve()));

    server.kill('SIGTERM');
    // Bounded wait for the server to say it is shutting down (it then has stopped listening).
    for (let i = 0; i < 200 && !server.output().includes('shutting down'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(server.output()).toContain('shutting down');
    await expect(fetch(`${origin}/api/health`)).rejects.toThrow();

    req.end(body);
    const spent = await answer;
    expect(spent.status).toBe(200);
    expect(JSON.parse(spent.body)).toEqual({ balance: 2, charged: 1 });
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('clearcut: stopped');

    // Closed cleanly: the WAL was checkpointed into the database file and removed, and the spend is there.
    const file = databasePath(server.dataDir);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const db = openDb(file);
    try {
      const rows = sqliteClient(db).prepare("select count(*) as n from credit_ledger where kind = 'spend' and idempotency_key = ?").get('export:in-flight-at-sigterm') as { n: number };
      expect(rows.n).toBe(1);
    } finally {
      await closeDb(db);
    }
  });
});
