/**
 * CLEARCUT_WORKERS=2: the real server as two processes on one port and one SQLite database
 * (server/cluster.ts). Requests on fresh connections, handed to the workers in turn, all see the
 * same sessions; the hourly jobs run in one worker only (the lease, across processes on SQLite);
 * SIGTERM stops every worker gracefully and the primary exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { signupConsent, strongPassword, uniqueEmail } from './helpers.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ CLEARCUT_WORKERS: '2', SCRYPT_LOG_N: '10' });
}, 60_000);
afterAll(() => server.stop());

describe('two workers on one port and one SQLite database', () => {
  it('serves a session made through one worker on requests any worker takes', async () => {
    const signUp = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.url, Connection: 'close' },
      body: JSON.stringify({ email: uniqueEmail(), password: strongPassword, ...signupConsent }),
    });
    expect(signUp.status).toBe(201);
    const cookie = signUp.headers.getSetCookie()[0]!.split(';')[0]!;
    // Each on its own connection, so the primary hands them to both workers in turn.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => fetch(`${server.url}/api/me`, { headers: { Cookie: cookie, Connection: 'close' } }).then((res) => res.status)),
    );
    expect(answers).toEqual(Array(12).fill(200));
  });

  it('runs each hourly job in one worker: one ran it, the other skipped it', async () => {
    const said = (job: string, what: string) => server.output().split(`clearcut: ${job}: ${what}`).length - 1;
    await expect.poll(() => said('hourly purge', 'ran') + said('hourly purge', 'skipped'), { timeout: 30_000 }).toBe(2);
    expect(said('hourly purge', 'ran')).toBe(1);
  });

  it('stops every worker on SIGTERM, and the primary exits 0', async () => {
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output().split('clearcut: stopped').length - 1).toBe(2);
  });
});
