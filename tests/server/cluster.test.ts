/**
 * CLEARCUT_WORKERS=2: the real server as two processes on one port and one SQLite database
 * (server/cluster.ts). Requests on fresh connections, handed to the workers in turn, all see the
 * same sessions; the hourly jobs run in one worker only (the lease, across processes on SQLite);
 * a worker that crashes is replaced while the other serves; SIGTERM stops every worker gracefully
 * and the primary exits 0 (a crash replaced earlier does not make a clean stop look failed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, commandLine } from '../../scripts/lib/proc-tree.ts';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { signupConsent, strongPassword, uniqueEmail } from './helpers.ts';

let server: RunningServer;

/** The primary's forked workers: its children running the server (tsx's esbuild child left out). */
const workerPids = (pid: number) => childrenOf(pid).filter((child) => commandLine(child).includes('server/main.ts'));

/** How many times the server printed `text`. */
const said = (text: string) => server.output().split(text).length - 1;

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
    await expect.poll(() => said('clearcut: hourly purge: ran') + said('clearcut: hourly purge: skipped'), { timeout: 30_000 }).toBe(2);
    expect(said('clearcut: hourly purge: ran')).toBe(1);
  });

  it('replaces a worker that crashes, and keeps serving', async () => {
    const workers = workerPids(server.pid);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    await expect.poll(() => said(`clearcut: worker ${workers[0]} exited (SIGKILL); starting another`), { timeout: 30_000 }).toBe(1);
    // Two listening lines at the start, a third from the replacement.
    await expect.poll(() => said('clearcut listening on'), { timeout: 30_000 }).toBe(3);
    expect(workerPids(server.pid)).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${server.url}/healthz`, { headers: { Connection: 'close' } }).then((res) => res.status)));
    expect(answers).toEqual(Array(6).fill(200));
  });

  it('stops every worker on SIGTERM, and the primary exits 0', async () => {
    server.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output().split('clearcut: stopped').length - 1).toBe(2);
  });
});
