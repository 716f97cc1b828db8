/** The access log: one minimal row per request, and purge by age. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, sqliteClient } from '../../server/db/client.ts';
import { accessLogs } from '../../server/db/schema.ts';
import { purgeAccessLogs } from '../../server/logs/access-log.ts';
import { Client, startTestServer, type TestServer } from './helpers.ts';

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

    const rows = sqliteClient(t.db).prepare('select * from access_logs where user_id = ? order by id').all(userId) as Record<string, unknown>[];
    expect(rows.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/auth/signup 201',
      'GET /api/me 200',
      'POST /api/me/password 403',
    ]);
    expect(Object.keys(rows[0]!).sort()).toEqual(['api_key_prefix', 'duration_ms', 'id', 'ip', 'method', 'path', 'status', 'time', 'user_agent', 'user_id']);
    expect(rows[1]).toMatchObject({ ip: '127.0.0.1', user_agent: 'LogTest/1.0', time: t.clock.time });
    expect(typeof rows[1]!.duration_ms).toBe('number');

    // Not in the table, and not anywhere in the database files either.
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
    const rows = (await t.db.select().from(accessLogs).all()).slice(before);
    expect(rows.map((r) => [r.path, r.status, r.userId])).toEqual([
      ['/api/me', 401, null],
      ['/models/nope.onnx', 404, null],
    ]);
  });
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
