/** The typed RPC client the PWA uses (`hc<AppType>`) works against the real server. */
import { hc } from 'hono/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppType } from '../../server/app.ts';
import { startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ listen: true, env: { LOG_RETENTION_DAYS: '14' } });
});
afterAll(() => t.close());

it('signs up, reads the profile and the privacy facts through hc<AppType>', async () => {
  let cookie = '';
  const client = hc<AppType>(t.url, {
    // A browser adds Origin and cookies by itself; here we do it by hand.
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('Origin', t.url);
      if (cookie) headers.set('Cookie', cookie);
      const res = await fetch(input, { ...init, headers });
      const set = res.headers.getSetCookie()[0];
      if (set) cookie = set.split(';')[0]!;
      return res;
    },
  });
  const email = uniqueEmail();
  const signup = await client.api.auth.signup.$post({ json: { email, password: strongPassword } });
  expect(signup.status).toBe(201);
  if (signup.status === 201) expect((await signup.json()).user.email).toBe(email);

  const me = await client.api.me.$get();
  expect(me.status).toBe(200);
  if (me.status === 200) {
    const profile = await me.json();
    expect(profile.email).toBe(email);
    expect(profile.marketingConsent).toBe(false);
  }

  const privacy = await client.api.privacy.$get();
  expect(await privacy.json()).toEqual({ logRetentionDays: 14, sessionDays: 30 });

  const wrong = await client.api.auth.login.$post({ json: { email, password: 'not the password' } });
  expect(wrong.status).toBe(401);
});
