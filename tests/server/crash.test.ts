/**
 * Crash safety: spends against the real server process (server/main.ts), SIGKILL while they are
 * in flight, a restart on the same database. Every spend the client saw succeed is in the ledger
 * exactly once, and every balance equals the sum of its ledger rows.
 */
import { afterAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { adjustCredits } from '../../server/admin.ts';
import { checkDatabase } from '../../server/credits/check.ts';
import { closeDb, databasePath, openDb, sqliteClient } from '../../server/db/client.ts';
import { signupConsent, strongPassword, uniqueEmail } from './helpers.ts';

const env = { SCRYPT_LOG_N: '10' };
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const server of servers.reverse()) await server.stop();
});

/** Signs up over HTTP; returns the account's session cookie and email. */
async function signUp(url: string): Promise<{ cookie: string; email: string }> {
  const email = uniqueEmail();
  const res = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: url },
    body: JSON.stringify({ email, password: strongPassword, ...signupConsent }),
  });
  expect(res.status).toBe(201);
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, email };
}

/** One full-resolution spend; 'lost' when the connection died before an answer came. */
async function spend(url: string, cookie: string, key: string): Promise<number | 'lost'> {
  try {
    const res = await fetch(`${url}/api/credits/spend`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url, Cookie: cookie },
      body: JSON.stringify({ idempotencyKey: key, width: 4000, height: 3000 }),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'lost';
  }
}

it('keeps every acknowledged spend, once, through a SIGKILL mid-load and a restart', async () => {
  const first = await startServer(env);
  servers.push(first);
  const accounts = await Promise.all(Array.from({ length: 4 }, () => signUp(first.url)));
  // Enough credits that spends keep succeeding until the kill (another connection to the same file).
  const db = openDb(databasePath(first.dataDir));
  for (const { email } of accounts) expect((await adjustCredits(db, email, 500, 'crash test')).ok).toBe(true);
  await closeDb(db);

  const acknowledged: { email: string; key: string }[] = [];
  let lost = 0;
  let killed = false;
  const killAfter = 60;
  // Four clients per account spend with fresh keys, until the server dies under them (bounded).
  const loops = accounts.flatMap((account, a) =>
    Array.from({ length: 4 }, async (_, c) => {
      for (let i = 0; i < 400; i++) {
        const key = `crash-${a}-${c}-${i}`;
        const status = await spend(first.url, account.cookie, key);
        if (status === 'lost') {
          lost++;
          return;
        }
        expect(status).toBe(200);
        acknowledged.push({ email: account.email, key });
        if (!killed && acknowledged.length >= killAfter) {
          killed = true;
          first.kill('SIGKILL');
        }
      }
    }),
  );
  await Promise.all(loops);
  expect(killed).toBe(true);
  expect(await first.exited).toBeNull();
  expect(lost).toBeGreaterThan(0);

  // Restart on the same data dir: the server opens the database as it was left.
  const second = await startServer(env, { dataDir: first.dataDir });
  servers.push(second);
  const check = openDb(databasePath(first.dataDir));
  try {
    expect((await checkDatabase(check)).problems).toEqual([]);
    const count = sqliteClient(check).prepare(
      `select count(*) as n from credit_ledger l join users u on u.id = l.user_id
       where u.email = ? and l.kind = 'spend' and l.idempotency_key = ?`,
    );
    for (const { email, key } of acknowledged) {
      expect((count.get(email, `export:${key}`) as { n: number }).n, key).toBe(1);
    }
  } finally {
    await closeDb(check);
  }
  // And the restarted server answers a retry of an acknowledged spend without charging again.
  const retry = await fetch(`${second.url}/api/credits/spend`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: second.url, Cookie: accounts[0]!.cookie },
    body: JSON.stringify({ idempotencyKey: acknowledged.find((s) => s.email === accounts[0]!.email)!.key, width: 4000, height: 3000 }),
  });
  expect(retry.status).toBe(200);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
});
