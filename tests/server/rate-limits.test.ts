/** Rate limits with the defaults: 429 with Retry-After, windows that reset. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  // TRUST_PROXY lets each test act from its own IP via X-Forwarded-For.
  t = await startTestServer({ realRateLimits: true, env: { TRUST_PROXY: 'true' } });
});
afterAll(() => t.close());

const minute = 60_000;
const from = (ip: string) => new Client(t, { headers: { 'X-Forwarded-For': ip } });

async function expect429(res: Response, maxSeconds: number): Promise<void> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(await errorCode(res)).toBe('rate_limited');
}

describe('sign-up', () => {
  it('allows 10 per IP per hour, then 429 until the hour is over', async () => {
    for (let i = 0; i < 10; i++) expect((await from('192.0.2.10').post('/api/auth/signup', { email: uniqueEmail(), password: strongPassword, ...signupConsent })).status).toBe(201);
    await expect429(await from('192.0.2.10').post('/api/auth/signup', { email: uniqueEmail(), password: strongPassword, ...signupConsent }), 3600);
    // Another IP is unaffected.
    expect((await from('192.0.2.11').post('/api/auth/signup', { email: uniqueEmail(), password: strongPassword, ...signupConsent })).status).toBe(201);
    t.clock.advance(61 * minute);
    expect((await from('192.0.2.10').post('/api/auth/signup', { email: uniqueEmail(), password: strongPassword, ...signupConsent })).status).toBe(201);
  });
});

describe('sign-in', () => {
  it('allows 10 failures per email per 15 minutes, then refuses even the right password', async () => {
    const { email } = await from('192.0.2.20').signUp();
    for (let i = 0; i < 10; i++) expect((await from(`192.0.2.${30 + i}`).post('/api/auth/login', { email, password: `wrong guess ${i}` })).status).toBe(401);
    await expect429(await from('192.0.2.99').post('/api/auth/login', { email: email.toUpperCase(), password: strongPassword }), 15 * 60);
    t.clock.advance(16 * minute);
    expect((await from('192.0.2.99').post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
  });

  it('clears an account’s failures when it signs in successfully', async () => {
    const { email } = await from('192.0.2.21').signUp();
    for (let i = 0; i < 9; i++) await from('192.0.2.22').post('/api/auth/login', { email, password: `wrong ${i}` });
    expect((await from('192.0.2.22').post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await from('192.0.2.22').post('/api/auth/login', { email, password: `wrong again ${i}` })).status).toBe(401);
  });

  it('allows 30 failures per IP per 15 minutes across emails', async () => {
    const ip = '198.51.100.30';
    for (let i = 0; i < 30; i++) expect((await from(ip).post('/api/auth/login', { email: uniqueEmail(), password: 'wrong password' })).status).toBe(401);
    await expect429(await from(ip).post('/api/auth/login', { email: uniqueEmail(), password: 'wrong password' }), 15 * 60);
    expect((await from('198.51.100.31').post('/api/auth/login', { email: uniqueEmail(), password: 'wrong password' })).status).toBe(401);
  });
});

describe('password change', () => {
  it('allows 5 per account per hour', async () => {
    const client = from('192.0.2.50');
    await client.signUp();
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/me/password', { currentPassword: `wrong current ${i}`, newPassword: 'a perfectly fine new one' })).status).toBe(403);
    }
    await expect429(await client.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'a perfectly fine new one' }), 3600);
    t.clock.advance(61 * minute);
    expect((await client.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'a perfectly fine new one' })).status).toBe(204);
  });
});
