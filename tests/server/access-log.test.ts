/** The access log: one minimal row per request, written in batches, and purge by age. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/lib/server-process.ts';
import { closeDb, databasePath, openDb, sqliteClient } from '../../server/db/client.ts';
import { accessLogs } from '../../server/db/schema.ts';
import { purgeAccessLogs } from '../../server/logs/access-log.ts';
import { accessLogBuffer, flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { Client, sqlRows, startTestServer, type TestServer } from './helpers.ts';
import { testDialect } from './pg.ts';

let t: TestServer;
beforeAll(async () => {
  // Listening: the rows record the client's IP, which only a socket has.
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

const day = 86_400_000;

describe('rows', () => {
  it('records time, IP, user agent, method, path without query, status, user and duration; nothing else', async () => {
    const client = new Client(t, { headers: { 'User-Agent': 'LogTest/1.0' } });
    const { userId } = await client.signUp();
    await client.get('/api/me?token=QUERYSECRET', { headers: { 'X-Private': 'HEADERSECRET' } });
    await client.post('/api/me/password', { currentPassword: 'BODYSECRET-wrong', newPassword: 'BODYSECRET-new-one' });
    await flushAccessLog(t.db);

    const rows = await sqlRows(t.db, 'select * from access_logs where user_id = ? order by id', userId);
    expect(rows.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/auth/signup 201',
      'GET /api/me 200',
      'POST /api/me/password 403',
    ]);
    expect(Object.keys(rows[0]!).sort()).toEqual(['api_key_prefix', 'duration_ms', 'id', 'ip', 'method', 'path', 'status', 'time', 'user_agent', 'user_id']);
    expect(rows[1]).toMatchObject({ ip: '127.0.0.1', user_agent: 'LogTest/1.0', time: t.clock.time });
    expect(typeof rows[1]!.duration_ms).toBe('number');

    // Not in the table, and not anywhere in the database files either (SQLite's file: on
    // PostgreSQL the table is what there is to look at).
    if (testDialect === 'pg') return;
    sqliteClient(t.db).pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(databasePath(t.dataDir)).toString('latin1');
    for (const secret of ['QUERYSECRET', 'HEADERSECRET', 'BODYSECRET', client.cookies.get('clearcut_session')!]) {
      expect(file.includes(secret), secret).toBe(false);
    }
  });

  it('logs anonymous requests, static files and errors too', async () => {
    const before = (await t.db.select().from(accessLogs).all()).length;
    await new Client(t).get('/api/me');
    await new Client(t).get('/models/nope.onnx');
    await flushAccessLog(t.db);
    const rows = (await t.db.select().from(accessLogs).all()).slice(before);
    expect(rows.map((r) => [r.path, r.status, r.userId])).toEqual([
      ['/api/me', 401, null],
      ['/models/nope.onnx', 404, null],
    ]);
  });
});

describe('batches', () => {
  // A minute between writes: nothing in these tests waits that long, so a row in the table was flushed.
  const slow = { ACCESS_LOG_FLUSH_MS: '60000' };

  it('keeps rows in memory and writes them together, in the order of the requests', async () => {
    const s = await startTestServer({ listen: true, env: slow });
    try {
      const count = async () => Number((await sqlRows<{ n: number }>(s.db, 'select count(*) as n from access_logs'))[0]!.n);
      for (const path of ['/api/health', '/api/me', '/api/privacy']) await new Client(s).get(path);
      expect(await count()).toBe(0);
      expect(accessLogBuffer(s.db).waiting).toBe(3);
      await flushAccessLog(s.db);
      expect(accessLogBuffer(s.db).waiting).toBe(0);
      const rows = await sqlRows(s.db, 'select path, status from access_logs order by id');
      expect(rows).toEqual([
        { path: '/api/health', status: 200 },
        { path: '/api/me', status: 401 },
        { path: '/api/privacy', status: 200 },
      ]);
    } finally {
      await s.close();
    }
  });

  it('writes a row whose person was deleted while it waited unlinked, its IP truncated, and the rest of the batch as is', async () => {
    const s = await startTestServer({ env: slow });
    try {
      const row = { time: new Date(s.clock.time), method: 'GET', path: '/api/me', status: 200, durationMs: 1 };
      const buffer = accessLogBuffer(s.db);
      buffer.add({ ...row, ip: '192.0.2.10', userId: null });
      buffer.add({ ...row, ip: '192.0.2.11', userId: 'a-person-deleted-meanwhile' });
      buffer.add({ ...row, ip: '192.0.2.12', userId: null });
      await flushAccessLog(s.db);
      expect(await sqlRows(s.db, 'select ip, user_id from access_logs order by id')).toEqual([
        { ip: '192.0.2.10', user_id: null },
        { ip: '192.0.2.0', user_id: null },
        { ip: '192.0.2.12', user_id: null },
      ]);
    } finally {
      await s.close();
    }
  });

  // SQLite only: the server process on its own SQLite file, read back after it stopped.
  it.skipIf(testDialect === 'pg')('loses no row on a clean shutdown: the server process writes the waiting ones on SIGTERM', async () => {
    const server = await startServer(slow);
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/api/health?i=${i}`)).status).toBe(200);
      server.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const db = openDb(databasePath(server.dataDir));
      try {
        const rows = sqliteClient(db).prepare("select count(*) as n from access_logs where path = '/api/health'").get() as { n: number };
        expect(rows.n).toBe(5);
      } finally {
        await closeDb(db);
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('purge', () => {
  async function insertAt(time: number, path: string): Promise<void> {
    await t.db.insert(accessLogs).values({ time: new Date(time), ip: '192.0.2.1', method: 'GET', path, status: 200, durationMs: 1 }).run();
  }

  it('deletes rows older than LOG_RETENTION_DAYS and keeps newer ones', async () => {
    const now = t.clock.time;
    await insertAt(now - 31 * day, '/old');
    await insertAt(now - 30 * day - 1000, '/just-too-old');
    await insertAt(now - 29 * day, '/recent');
    const purged = await purgeAccessLogs(t.db, t.config.logRetentionDays, t.clock.now());
    expect(purged).toBe(2);
    const paths = (await t.db.select().from(accessLogs).all()).map((r) => r.path);
    expect(paths).toContain('/recent');
    expect(paths).not.toContain('/old');
    expect(paths).not.toContain('/just-too-old');
  });

  it('honours a shorter configured retention', async () => {
    await insertAt(t.clock.time - 8 * day, '/eight-days');
    await purgeAccessLogs(t.db, 7, t.clock.now());
    expect((await t.db.select().from(accessLogs).all()).map((r) => r.path)).not.toContain('/eight-days');
  });
});
