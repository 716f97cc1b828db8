/** The typed RPC client the PWA uses (`hc<AppType>`) works against the real server. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rpcClient, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { LOG_RETENTION_DAYS: '14' } });
});
afterAll(() => t.close());

it('signs up, reads the profile and the privacy facts through hc<AppType>', async () => {
  const client = rpcClient(t);
  const email = uniqueEmail();
  const signup = await client.api.auth.signup.$post({ json: { email, password: strongPassword, ...signupConsent } });
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
