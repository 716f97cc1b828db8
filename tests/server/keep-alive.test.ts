/**
 * A refused request on a keep-alive connection must not cost the next request on it (issue #17).
 * Node's fetch keeps its connections alive and reuses them, as an API client would; the server
 * listens on a real socket because the connection is what is under test.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../server/db/schema.ts';
import { discardMaxBytes } from '../../server/middleware/unread-body.ts';
import { Client, errorCode, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

const sessionCount = async (userId: string) => (await t.db.select().from(sessions).where(eq(sessions.userId, userId)).all()).length;
/** Leaves the connection idle for a while (nothing is timed or asserted about time). */
const idle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An oversize sign-in (413), then a write from a foreign origin (403), then `then()` before the real sign-in. */
async function refusedThenSignIn(client: Client, account: { email: string; password: string }, bytes: number, then = async () => {}) {
  const big = await client.request('POST', '/api/auth/login', {
    body: JSON.stringify({ email: account.email, password: 'x'.repeat(bytes) }),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(big.status).toBe(413);
  expect(await errorCode(big)).toBe('too_large');
  const foreign = await client.patch('/api/me', { displayName: 'x' }, { origin: 'https://evil.example' });
  expect(foreign.status).toBe(403);
  expect(await errorCode(foreign)).toBe('csrf');
  await then();
  const login = await client.post('/api/auth/login', account);
  expect(login.status).toBe(200);
  await login.arrayBuffer();
  return big;
}

describe('a body refused before it is read, then a sign-in on the same keep-alive connection', () => {
  it(`up to ${discardMaxBytes / 1024} KB the rest is read and dropped: the connection stays usable, even after a pause`, async () => {
    const client = new Client(t);
    const { email, password, userId } = await client.signUp(uniqueEmail(), strongPassword);
    const before = { sessions: (await sessionCount(userId)), connections: t.connectionCount() };
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      // Before the fix, @hono/node-server's drain timer (500 ms) destroyed this connection: a request
      // in flight then failed with "other side closed" (sometimes after the server had run it).
      const big = await refusedThenSignIn(client, { email, password }, 200 * 1024, () => idle(600));
      expect(big.headers.get('connection')).toBe('keep-alive');
    }
    // Before the fix every round needed a new connection. The client itself may open one more, once:
    // undici drops a connection whose answer came before it had finished writing the body.
    expect(t.connectionCount() - before.connections).toBeLessThanOrEqual(1);
    expect((await sessionCount(userId))).toBe(before.sessions + rounds);
  });

  it('a larger rest is answered with Connection: close, so the next request goes on a new connection', async () => {
    const client = new Client(t);
    const { email, password, userId } = await client.signUp(uniqueEmail(), strongPassword);
    const before = (await sessionCount(userId));
    for (let round = 0; round < 3; round++) {
      // Before the fix the sign-in went on the stalled connection and failed every time.
      const big = await refusedThenSignIn(client, { email, password }, 1024 * 1024);
      expect(big.headers.get('connection')).toBe('close');
    }
    expect((await sessionCount(userId))).toBe(before + 3);
  });
});
