/**
 * Two server processes (server/main.ts) on one PostgreSQL database, as behind a load balancer:
 * they start and migrate together, a session made through one works on the other, and spends of
 * one account sent through both at once, each key to both, charge exactly what the balance allows,
 * each key once; a limit reached through one holds on the other; an avatar uploaded through one is
 * served by the other; the hourly jobs, scheduled by both, run on one.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { adjustCredits } from '../../server/admin.ts';
import { checkDatabase } from '../../server/credits/check.ts';
import { getBalance } from '../../server/credits/ledger.ts';
import { closeDb, openDatabase, type Db } from '../../server/db/client.ts';
import { leaseHolder } from '../../server/db/leases.ts';
import { freshPgDatabase, pgInstalled, stopPgCluster } from './pg.ts';
import { signupConsent, strongPassword, uniqueEmail } from './helpers.ts';

const servers: RunningServer[] = [];
let db: Db;

describe.skipIf(!pgInstalled)('two instances on one PostgreSQL database', () => {
  beforeAll(async () => {
    const url = await freshPgDatabase();
    // Started together: the migrations run once, under the advisory lock, whoever comes first.
    servers.push(...(await Promise.all([0, 1].map(() => startServer({ DATABASE_URL: url, SCRYPT_LOG_N: '10' })))));
    db = await openDatabase({ dialect: 'pg', url });
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
    if (db) await closeDb(db);
    await stopPgCluster();
  });

  /** A JSON request to one instance, from that instance's own origin (as a page served by it). */
  const send = (server: RunningServer, path: string, init: { method?: string; cookie?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { 'Content-Type': 'application/json', Origin: server.url, ...(init.cookie ? { Cookie: init.cookie } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
  const cookieOf = (res: Response) => res.headers.getSetCookie()[0]!.split(';')[0]!;

  it('shares sessions: made through one, they work on the other, and sign-in works through either', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const email = uniqueEmail();
    const signUp = await send(a, '/api/auth/signup', { body: { email, password: strongPassword, ...signupConsent } });
    expect(signUp.status).toBe(201);
    const me = await send(b, '/api/me', { cookie: cookieOf(signUp) });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(email);

    const signIn = await send(b, '/api/auth/login', { body: { email, password: strongPassword } });
    expect(signIn.status).toBe(200);
    expect((await send(a, '/api/me', { cookie: cookieOf(signIn) })).status).toBe(200);
  });

  it('shares rate limits: failures counted through both add up, and a limit reached through one holds on the other', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const email = uniqueEmail();
    expect((await send(a, '/api/auth/signup', { body: { email, password: strongPassword, ...signupConsent } })).status).toBe(201);
    const fail = (server: RunningServer, i: number) => send(server, '/api/auth/login', { body: { email, password: `wrong guess ${i}` } });
    // Ten failures per address per 15 minutes (the default), five through each instance, sent at once.
    const failures = await Promise.all(Array.from({ length: 10 }, (_, i) => fail(i % 2 === 0 ? a : b, i)));
    expect(failures.map((res) => res.status)).toEqual(Array(10).fill(401));
    for (const server of [a, b]) {
      const refused = await send(server, '/api/auth/login', { body: { email, password: strongPassword } });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('shares avatars: uploaded through one, served by the other; removed through that one, gone from both', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const signUp = await send(a, '/api/auth/signup', { body: { email: uniqueEmail(), password: strongPassword, ...signupConsent } });
    const cookie = cookieOf(signUp);
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 20, g: 120, b: 200 } } }).png().toBuffer();
    const form = new FormData();
    form.append('avatar', new Blob([Uint8Array.from(png)], { type: 'image/png' }), 'me.png');
    const uploaded = await fetch(`${a.url}/api/me/avatar`, { method: 'PUT', headers: { Origin: a.url, Cookie: cookie }, body: form });
    expect(uploaded.status).toBe(200);
    const { avatarUrl } = (await uploaded.json()) as { avatarUrl: string };
    const served = await fetch(`${b.url}${avatarUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect((await fetch(`${b.url}/api/me/avatar`, { method: 'DELETE', headers: { Origin: b.url, Cookie: cookie } })).status).toBe(204);
    for (const server of [a, b]) expect((await fetch(`${server.url}${avatarUrl}`)).status).toBe(404);
  });

  it('runs the hourly jobs once: at start, one instance ran each job, the other skipped it', async () => {
    const jobs = ['hourly purge', 'settling memberships'];
    const outcome = (server: RunningServer, job: string) => new RegExp(`clearcut: ${job}: (ran|skipped)`).exec(server.output())?.[1];
    // The first tick runs right after start, beside the listening line: wait until each has said what it did.
    await expect.poll(() => servers.every((server) => jobs.every((job) => outcome(server, job))), { timeout: 30_000 }).toBe(true);
    for (const job of jobs) {
      expect(servers.map((server) => outcome(server, job)).sort()).toEqual(['ran', 'skipped']);
      expect(await leaseHolder(db, job)).toMatchObject({ holder: expect.any(String) });
    }
  });

  it('charges exactly the balance when spends of one account go through both at once, each key to both, each key once', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const email = uniqueEmail();
    const signUp = await send(a, '/api/auth/signup', { body: { email, password: strongPassword, ...signupConsent } });
    const cookie = cookieOf(signUp);
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id;
    // 3 welcome credits + 17: twenty full-resolution exports, asked for forty times over, twice each.
    expect((await adjustCredits(db, email, 17, 'two instances', new Date())).ok).toBe(true);
    const keys = Array.from({ length: 40 }, (_, i) => `both-instances-${i}`);
    const answers = await Promise.all(
      keys.map(async (key) => {
        const body = { idempotencyKey: key, width: 4000, height: 3000 };
        const [first, second] = await Promise.all([a, b].map((server) => send(server, '/api/credits/spend', { cookie, body })));
        return [first!.status, second!.status];
      }),
    );
    // A key's two answers agree: charged once and replayed, or refused twice.
    for (const [first, second] of answers) expect(first).toBe(second);
    expect(answers.filter(([status]) => status === 200)).toHaveLength(20);
    expect(answers.filter(([status]) => status === 402)).toHaveLength(20);
    expect(await getBalance(db, userId)).toBe(0);
    expect((await checkDatabase(db)).problems).toEqual([]);
  });
});
