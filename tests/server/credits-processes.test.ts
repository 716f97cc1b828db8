/**
 * Spending from several processes at once, each with its own SQLite connection to the same
 * file (as several server processes or the admin CLI would): IMMEDIATE transactions and the
 * busy timeout serialise them, so a balance of 120 pays for exactly 120 of 290 attempts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adjustCredits } from '../../server/admin.ts';
import { databasePath, sqliteClient } from '../../server/db/client.ts';
import { Client, json, startTestServer, type TestServer } from './helpers.ts';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./spend-process.ts', import.meta.url));

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

it('4 processes and 50 HTTP requests racing for 120 credits charge exactly 120 times', async () => {
  const client = new Client(t);
  const { email, userId } = await client.signUp();
  await adjustCredits(t.db, email, 117, 'race', t.clock.now());
  const file = databasePath(t.dataDir);
  const startAt = Date.now() + 4000;
  const processes = Array.from({ length: 4 }, (_, p) =>
    run(process.execPath, ['--import', 'tsx', worker, file, userId, `proc${p}`, '60', String(startAt)]).then(
      (r) => JSON.parse(r.stdout).charged as number,
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
  const http = Array.from({ length: 50 }, (_, i) =>
    client.post('/api/credits/spend', { idempotencyKey: `http-request-${i}`, width: 3000, height: 2000 }).then((r) => (r.status === 200 ? 1 : 0)),
  );
  const [fromProcesses, fromHttp] = await Promise.all([Promise.all(processes), Promise.all(http)]);
  const total = fromProcesses.reduce((a, b) => a + b, 0) + fromHttp.reduce<number>((a, b) => a + b, 0);
  expect(total).toBe(120);
  expect(await json(await client.get('/api/credits'))).toEqual({ balance: 0 });
  const sum = sqliteClient(t.db).prepare('select sum(delta) as sum, count(*) as n from credit_ledger where user_id = ?').get(userId) as { sum: number; n: number };
  expect(sum).toEqual({ sum: 0, n: 122 });
});
