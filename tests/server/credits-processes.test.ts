/**
 * Spending from several processes at once, each with its own SQLite connection to the same
 * file (as several server processes or the admin CLI would): IMMEDIATE transactions and the
 * busy timeout serialise them, so a balance of 120 pays for exactly 120 of 290 attempts.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adjustCredits } from '../../server/admin.ts';
import { databasePath, sqliteClient } from '../../server/db/client.ts';
import { Client, json, startTestServer, type TestServer } from './helpers.ts';

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
  const racers = Array.from({ length: 4 }, (_, p) => startRacer(file, userId, `proc${p}`, 60));
  await Promise.all(racers.map((r) => r.ready));
  for (const r of racers) r.go();
  const processes = racers.map((r) => r.charged);
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

/** A spend-process.ts child: `ready` once its connection is open, `go()` starts its spends. */
function startRacer(file: string, userId: string, prefix: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, file, userId, prefix, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const said: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      said.push(line);
      if (line === 'ready') resolve();
    });
    child.once('exit', (code) => reject(new Error(`racer ${prefix} exited with ${code} before it was ready`)));
  });
  const charged = once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`racer ${prefix} exited with ${code}`);
    return (JSON.parse(said.at(-1)!) as { charged: number }).charged;
  });
  return { ready, charged, go: () => child.stdin.end('go\n') };
}
