/**
 * Sign-in through an OpenID Connect provider, against a real one (oidc-provider) over real HTTP:
 * accounts are created and signed in, every check of the code flow refuses a forged or replayed
 * answer, an address that has an account links only after its password, and the privacy rights
 * cover what is stored.
 */
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessLogs, oidcFlows, oidcIdentities, oidcPendingLinks, users } from '../../server/db/schema.ts';
import { rememberChildEmail } from '../../server/policies/child-emails.ts';
import { flushAccessLog } from '../../server/logs/access-log-buffer.ts';
import { Client, errorCode, json, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';
import {
  freePort,
  passThroughProvider,
  startPictureServer,
  startTestProvider,
  testClient,
  type ProviderAccount,
  type TestProvider,
} from './oidc-provider.ts';

let t: TestServer;
let provider: TestProvider;
let pictures: Awaited<ReturnType<typeof startPictureServer>>;

beforeAll(async () => {
  pictures = await startPictureServer();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  provider = await startTestProvider(`${origin}/api/auth/oidc/callback`);
  // Listening on the port registered with the provider: the browser comes back to it.
  t = await startTestServer({
    listen: true,
    port,
    env: {
      PUBLIC_ORIGIN: origin,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: testClient.id,
      OIDC_CLIENT_SECRET: testClient.secret,
      OIDC_NAME: 'Test ID',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
  await pictures?.close();
});

let counter = 0;
/** A new person at the provider; returns their subject id. */
function providerPerson(account: Partial<ProviderAccount> = {}): { sub: string; email: string } {
  counter += 1;
  const sub = `person-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const email = account.email ?? uniqueEmail();
  provider.accounts.set(sub, { email, email_verified: true, ...account });
  return { sub, email };
}

/**
 * Presses "Continue with ...": the app's redirect to the provider. By default from the sign-up
 * page with the terms accepted and "18 or older" chosen; `''` is the sign-in page's button.
 */
async function start(browser: Client, from = '?age=adult&accept=policies'): Promise<string> {
  const res = await browser.get(`/api/auth/oidc/start${from}`);
  expect(res.status).toBe(303);
  return res.headers.get('location')!;
}

/** Signs in at the provider as `sub` and returns where the provider sends the browser back to. */
async function atProvider(authorizationUrl: string, sub: string): Promise<URL> {
  provider.nextLogin = sub;
  const back = await passThroughProvider(authorizationUrl, provider.issuer);
  expect(back.origin + back.pathname).toBe(`${t.url}/api/auth/oidc/callback`);
  return back;
}

/** The browser arriving back at the app's callback. */
function callback(browser: Client, back: URL): Promise<Response> {
  return browser.get(back.pathname + back.search);
}

/** The whole trip: start, provider, callback; returns the callback's answer. */
async function signInWithProvider(browser: Client, sub: string): Promise<Response> {
  return callback(browser, await atProvider(await start(browser), sub));
}

const userCount = async () => (await t.db.select().from(users).all()).length;

describe('the button', () => {
  it('is offered with the configured name', async () => {
    expect(await json(await new Client(t).get('/api/auth/oidc'))).toEqual({ enabled: true, name: 'Test ID' });
  });

  it('is not offered, and the routes do not exist, when no provider is configured', async () => {
    const plain = await startTestServer();
    try {
      const browser = new Client(plain);
      expect(await json(await browser.get('/api/auth/oidc'))).toEqual({ enabled: false, name: null });
      expect(await errorCode(await browser.get('/api/auth/oidc/start'))).toBe('not_found');
      expect((await browser.get('/api/auth/oidc/callback?code=x&state=y')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('sends the browser to the provider with PKCE (S256), a state, a nonce and the registered redirect URI', async () => {
    const browser = new Client(t);
    const location = new URL(await start(browser));
    expect(location.origin).toBe(provider.issuer);
    const params = location.searchParams;
    expect(params.get('client_id')).toBe(testClient.id);
    expect(params.get('redirect_uri')).toBe(`${t.url}/api/auth/oidc/callback`);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid email profile');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
    // The transient secret is a short-lived HttpOnly, SameSite=Lax cookie; the verifier stays on the server.
    const res = await new Client(t).get('/api/auth/oidc/start');
    const cookie = res.headers.getSetCookie().find((line) => line.startsWith('clearcut_oidc_flow='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(res.headers.get('location')).not.toContain((await t.db.select().from(oidcFlows).all()).at(-1)!.codeVerifier);
  });
});

describe("the sign-up page's answers", () => {
  it('records the age choice (either one) and the acceptance of the current terms for an account the provider creates', async () => {
    for (const age of ['adult', 'guardian'] as const) {
      const { sub, email } = providerPerson();
      const browser = new Client(t);
      const res = await callback(browser, await atProvider(await start(browser, `?age=${age}&accept=policies`), sub));
      expect(res.headers.get('location')).toBe('/account?oidc=welcome');
      expect((await t.db.select().from(users).where(eq(users.email, email)).get())!.ageConfirmation).toBe(age);
      const data = await json(await browser.get('/api/me/export'));
      expect(data.profile.ageConfirmation).toBe(age);
      expect(data.policyAcceptances.map((a: { document: string; via: string }) => `${a.document} ${a.via}`)).toEqual(['terms signup', 'privacy signup']);
      expect(await json(await browser.get('/api/policies/pending'))).toEqual({ pending: [] });
    }
  });

  it('creates no account from the sign-in page (no answers) or without the terms accepted: the sign-up page asks for them', async () => {
    for (const from of ['', '?age=adult', '?accept=policies', '?age=someone&accept=policies']) {
      const { sub, email } = providerPerson();
      const browser = new Client(t);
      const res = await callback(browser, await atProvider(await start(browser, from), sub));
      expect(res.headers.get('location'), from).toBe('/signup?oidc=consent-needed');
      expect(browser.cookies.has('clearcut_session')).toBe(false);
      expect(await t.db.select().from(users).where(eq(users.email, email)).get()).toBeUndefined();
    }
  });

  it("creates an account for an address closed as a child's only with a guardian's consent", async () => {
    const { sub, email } = providerPerson();
    await rememberChildEmail(t.db, email, t.clock.now());
    const refused = await signInWithProvider(new Client(t), sub);
    expect(refused.headers.get('location')).toBe('/signup?oidc=guardian-required');
    expect(await t.db.select().from(users).where(eq(users.email, email)).get()).toBeUndefined();
    const browser = new Client(t);
    const res = await callback(browser, await atProvider(await start(browser, '?age=guardian&accept=policies'), sub));
    expect(res.headers.get('location')).toBe('/account?oidc=welcome');
    expect((await t.db.select().from(users).where(eq(users.email, email)).get())!.ageConfirmation).toBe('guardian');
  });

  it('still signs in an account that exists, from either page', async () => {
    const { sub } = providerPerson();
    await signInWithProvider(new Client(t), sub);
    const browser = new Client(t);
    const res = await callback(browser, await atProvider(await start(browser, ''), sub));
    expect(res.headers.get('location')).toBe('/');
    expect(browser.cookies.has('clearcut_session')).toBe(true);
  });
});

describe('first and later sign-ins', () => {
  it('creates an account with the verified email, no password, and the picture as avatar; the next sign-in finds it', async () => {
    const { sub, email } = providerPerson({ name: 'Ada Lovelace', picture: `${pictures.url}/face.png` });
    const before = (await userCount());
    const browser = new Client(t);
    const res = await signInWithProvider(browser, sub);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?oidc=welcome');
    expect(browser.cookies.has('clearcut_session')).toBe(true);
    expect(browser.cookies.has('clearcut_oidc_flow')).toBe(false);

    const me = await json(await browser.get('/api/me'));
    expect(me).toMatchObject({ email, emailVerified: true, displayName: 'Ada Lovelace' });
    expect(me.avatarUrl).toMatch(/^\/api\/avatars\/[a-z2-9]{24}$/);
    const avatar = await browser.get(me.avatarUrl);
    expect(avatar.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await avatar.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 256]);

    const row = (await t.db.select().from(users).where(eq(users.email, email)).get())!;
    expect(row.passwordHash).toBeNull();
    expect((await userCount())).toBe(before + 1);
    expect(await json(await browser.get('/api/me/providers'))).toMatchObject({
      hasPassword: false,
      providers: [{ name: 'Test ID', issuer: provider.issuer, email }],
    });
    expect(await json(await browser.get('/api/credits'))).toEqual({ balance: 3 });

    // Another browser, the same person at the provider: the same account, no new one.
    const later = new Client(t);
    const again = await signInWithProvider(later, sub);
    expect(again.headers.get('location')).toBe('/');
    expect((await json(await later.get('/api/me'))).id).toBe(row.id);
    expect((await userCount())).toBe(before + 1);
  });

  it('still signs in when the picture cannot be had (missing, or over the size cap)', async () => {
    for (const picture of [`${pictures.url}/missing`, `${pictures.url}/huge.png`]) {
      const { sub, email } = providerPerson({ picture });
      const browser = new Client(t);
      const res = await signInWithProvider(browser, sub);
      expect(res.headers.get('location')).toBe('/account?oidc=welcome');
      expect(await json(await browser.get('/api/me'))).toMatchObject({ email, avatarUrl: null });
    }
    expect(pictures.requests).toEqual(expect.arrayContaining(['/missing', '/huge.png']));
  });

  it('refuses an address the provider has not verified, creating nothing', async () => {
    const { sub } = providerPerson({ email_verified: false });
    const before = (await userCount());
    const browser = new Client(t);
    const res = await signInWithProvider(browser, sub);
    expect(res.headers.get('location')).toBe('/signin?oidc=email-unverified');
    expect(browser.cookies.has('clearcut_session')).toBe(false);
    expect((await userCount())).toBe(before);
  });

  it('answers a password sign-in to a password-less account exactly like a wrong password', async () => {
    const { sub, email } = providerPerson();
    await signInWithProvider(new Client(t), sub);
    const stranger = new Client(t);
    const unknown = await stranger.post('/api/auth/login', { email: uniqueEmail(), password: strongPassword });
    // Even the password the server checks unknown emails against gets nowhere.
    for (const password of [strongPassword, 'not-a-real-password']) {
      const res = await stranger.post('/api/auth/login', { email, password });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(await unknown.clone().json());
    }
    expect(stranger.cookies.has('clearcut_session')).toBe(false);
  });

  it('keeps the code and state out of the access log', async () => {
    const { sub } = providerPerson();
    await signInWithProvider(new Client(t), sub);
    await flushAccessLog(t.db);
    const paths = (await t.db.select({ path: accessLogs.path }).from(accessLogs).all()).map((r) => r.path);
    expect(paths).toContain('/api/auth/oidc/callback');
    expect(paths.filter((p) => /code=|state=|\?/.test(p))).toEqual([]);
  });
});

describe('forged and replayed answers are refused', () => {
  /** Asserts the callback was refused with `outcome` and nobody got signed in or created. */
  async function expectRefused(browser: Client, res: Response, outcome: string, usersBefore: number) {
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/signin?oidc=${outcome}`);
    expect(browser.cookies.has('clearcut_session')).toBe(false);
    expect((await userCount())).toBe(usersBefore);
  }

  it('refuses a callback whose state is not the one this browser was sent with', async () => {
    const { sub } = providerPerson();
    const before = (await userCount());
    const browser = new Client(t);
    const back = await atProvider(await start(browser), sub);
    back.searchParams.set('state', 'a-state-from-someone-else');
    await expectRefused(browser, await callback(browser, back), 'failed', before);
  });

  it('refuses a callback without the flow cookie (another browser: login CSRF)', async () => {
    const { sub } = providerPerson();
    const before = (await userCount());
    const back = await atProvider(await start(new Client(t)), sub);
    const victim = new Client(t);
    await expectRefused(victim, await callback(victim, back), 'expired', before);
  });

  it('refuses a replayed code: the same callback again, and the code carried into a new flow', async () => {
    const { sub } = providerPerson();
    const browser = new Client(t);
    const back = await atProvider(await start(browser), sub);
    const flowCookie = browser.cookies.get('clearcut_oidc_flow')!;
    expect((await callback(browser, back)).headers.get('location')).toBe('/account?oidc=welcome');
    const before = (await userCount());

    const replay = new Client(t);
    replay.cookies.set('clearcut_oidc_flow', flowCookie);
    await expectRefused(replay, await callback(replay, back), 'expired', before);

    // A fresh flow with its own state, but the used code: the provider refuses it (used, and the PKCE verifier differs).
    const other = new Client(t);
    const fresh = new URL(await start(other));
    const forged = new URL(back);
    forged.searchParams.set('state', fresh.searchParams.get('state')!);
    await expectRefused(other, await callback(other, forged), 'failed', before);
  });

  for (const [tamper, what] of [
    ['nonce', 'an ID token with another sign-in’s nonce'],
    ['audience', 'an ID token issued to another client'],
    ['foreign-key', 'an ID token signed by a key the provider does not publish'],
  ] as const) {
    it(`refuses ${what}`, async () => {
      const { sub } = providerPerson();
      const before = (await userCount());
      const browser = new Client(t);
      provider.tamper = tamper;
      try {
        await expectRefused(browser, await signInWithProvider(browser, sub), 'failed', before);
      } finally {
        provider.tamper = null;
      }
      // The same person, untampered, gets in: the refusal was the check, not a broken setup.
      const ok = await signInWithProvider(new Client(t), sub);
      expect(ok.headers.get('location')).toBe('/account?oidc=welcome');
    });
  }

  it('logs why a callback was refused, but never its code or state', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    try {
      const { sub } = providerPerson();
      const browser = new Client(t);
      const back = await atProvider(await start(browser), sub);
      const code = back.searchParams.get('code')!;
      const state = back.searchParams.get('state')!;
      back.searchParams.set('state', 'a-state-from-someone-else');
      expect((await callback(browser, back)).headers.get('location')).toBe('/signin?oidc=failed');
      // The used code in a fresh flow: the provider's refusal is logged too.
      const other = new Client(t);
      const forged = new URL(back);
      forged.searchParams.set('state', new URL(await start(other)).searchParams.get('state')!);
      await callback(other, forged);
      expect(lines.some((line) => line.includes('provider sign-in refused'))).toBe(true);
      for (const secret of [code, state]) expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('says "cancelled" when the person declines at the provider', async () => {
    const browser = new Client(t);
    const location = new URL(await start(browser));
    const state = location.searchParams.get('state')!;
    const res = await browser.get(`/api/auth/oidc/callback?error=access_denied&state=${state}`);
    expect(res.headers.get('location')).toBe('/signin?oidc=cancelled');
  });
});

describe('an address that already has an account', () => {
  it('does not sign in; the link waits for that browser’s password sign-in, then the provider signs in', async () => {
    const owner = new Client(t);
    const { email, userId } = await owner.signUp();
    const { sub } = providerPerson({ email });

    const browser = new Client(t);
    const res = await signInWithProvider(browser, sub);
    expect(res.headers.get('location')).toBe('/signin?oidc=link-pending');
    expect(browser.cookies.has('clearcut_session')).toBe(false);
    expect(browser.cookies.has('clearcut_oidc_link')).toBe(true);
    expect(await json(await browser.get('/api/auth/oidc/pending'))).toMatchObject({ pending: { email, provider: 'Test ID' } });
    expect(await json(await new Client(t).get('/api/auth/oidc/pending'))).toEqual({ pending: null });
    expect(await t.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, userId)).all()).toEqual([]);

    // The provider alone still does not get in.
    expect((await signInWithProvider(new Client(t), sub)).headers.get('location')).toBe('/signin?oidc=link-pending');

    // A wrong password links nothing; the right one, in this browser, links.
    expect((await browser.post('/api/auth/login', { email, password: 'wrong password here' })).status).toBe(401);
    const login = await browser.post('/api/auth/login', { email, password: strongPassword });
    expect(login.status).toBe(200);
    expect((await json(login)).linkedProvider).toBe('Test ID');
    expect(browser.cookies.has('clearcut_oidc_link')).toBe(false);

    const later = new Client(t);
    expect((await signInWithProvider(later, sub)).headers.get('location')).toBe('/');
    expect((await json(await later.get('/api/me'))).id).toBe(userId);
  });

  it('is not linked by a password sign-in in another browser', async () => {
    const owner = new Client(t);
    const { email, userId } = await owner.signUp();
    const { sub } = providerPerson({ email });
    await signInWithProvider(new Client(t), sub);
    const login = await new Client(t).post('/api/auth/login', { email, password: strongPassword });
    expect((await json(login)).linkedProvider).toBeNull();
    expect(await t.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, userId)).all()).toEqual([]);
  });
});

describe('ways in: password and provider', () => {
  it('refuses to unlink the only way in, allows it once a password is added', async () => {
    const { sub, email } = providerPerson();
    const browser = new Client(t);
    await signInWithProvider(browser, sub);
    const [identity] = (await json(await browser.get('/api/me/providers'))).providers;

    const refused = await browser.delete(`/api/me/providers/${identity.id}`);
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('last_sign_in_method');

    expect((await browser.request('PUT', '/api/me/password', { json: { newPassword: 'short' } })).status).toBe(422);
    expect((await browser.request('PUT', '/api/me/password', { json: { newPassword: strongPassword } })).status).toBe(204);
    const twice = await browser.request('PUT', '/api/me/password', { json: { newPassword: strongPassword } });
    expect([twice.status, await errorCode(twice)]).toEqual([409, 'password_exists']);

    expect((await browser.delete(`/api/me/providers/${identity.id}`)).status).toBe(204);
    expect(await json(await browser.get('/api/me/providers'))).toEqual({ hasPassword: true, providers: [] });
    expect((await new Client(t).post('/api/auth/login', { email, password: strongPassword })).status).toBe(200);
    // Unlinked: the provider now meets an account with its address, so it may only link again through the password.
    expect((await signInWithProvider(new Client(t), sub)).headers.get('location')).toBe('/signin?oidc=link-pending');
  });

  it('refuses to remove the password of an account with no linked provider', async () => {
    const browser = new Client(t);
    await browser.signUp();
    const res = await browser.delete('/api/me/password', { currentPassword: strongPassword });
    expect([res.status, await errorCode(res)]).toEqual([409, 'last_sign_in_method']);
  });

  it('removes the password of a linked account (with the current one); password sign-in then fails', async () => {
    const owner = new Client(t);
    const { email } = await owner.signUp();
    const { sub } = providerPerson({ email });
    await signInWithProvider(owner, sub);
    await owner.post('/api/auth/login', { email, password: strongPassword });

    const wrong = await owner.delete('/api/me/password', { currentPassword: 'not the password at all' });
    expect([wrong.status, await errorCode(wrong)]).toEqual([403, 'wrong_password']);
    expect((await owner.delete('/api/me/password', { currentPassword: strongPassword })).status).toBe(204);
    expect((await new Client(t).post('/api/auth/login', { email, password: strongPassword })).status).toBe(401);
    expect((await signInWithProvider(new Client(t), sub)).headers.get('location')).toBe('/');
  });
});

describe('privacy rights', () => {
  it('exports linked providers and pending links (never a secret)', async () => {
    const owner = new Client(t);
    const { email } = await owner.signUp();
    const { sub } = providerPerson({ email });
    const browser = new Client(t);
    await signInWithProvider(browser, sub);

    const pending = await json(await owner.get('/api/me/export'));
    expect(pending.linkedProviders).toEqual([]);
    expect(pending.pendingLinks).toEqual([
      { issuer: provider.issuer, subject: sub, email, createdAt: expect.any(String), expiresAt: expect.any(String) },
    ]);
    expect(pending.profile.hasPassword).toBe(true);
    expect(JSON.stringify(pending)).not.toContain(browser.cookies.get('clearcut_oidc_link')!);

    await browser.post('/api/auth/login', { email, password: strongPassword });
    const linked = await json(await owner.get('/api/me/export'));
    expect(linked.pendingLinks).toEqual([]);
    expect(linked.linkedProviders).toEqual([
      { issuer: provider.issuer, subject: sub, email, createdAt: expect.any(String), lastUsedAt: expect.any(String) },
    ]);
  });

  it('deletes linked providers and pending links with the account; a password-less account confirms with its email', async () => {
    // A password-less account with its provider.
    const { sub, email } = providerPerson();
    const browser = new Client(t);
    await signInWithProvider(browser, sub);
    const { id } = await json(await browser.get('/api/me'));
    // ...and an account with a pending link.
    const owner = new Client(t);
    const other = await owner.signUp();
    const { sub: otherSub } = providerPerson({ email: other.email });
    await signInWithProvider(new Client(t), otherSub);
    expect(await t.db.select().from(oidcPendingLinks).where(eq(oidcPendingLinks.userId, other.userId)).all()).toHaveLength(1);

    const mismatch = await browser.delete('/api/me', { email: 'someone@else.example' });
    expect([mismatch.status, await errorCode(mismatch)]).toEqual([403, 'confirmation_mismatch']);
    expect((await browser.delete('/api/me', { email })).status).toBe(204);
    expect(await t.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, id)).all()).toEqual([]);
    expect((await owner.delete('/api/me', { password: other.password })).status).toBe(204);
    expect(await t.db.select().from(oidcPendingLinks).where(eq(oidcPendingLinks.userId, other.userId)).all()).toEqual([]);

    // The provider identity is free again: signing in makes a new, different account.
    const again = new Client(t);
    expect((await signInWithProvider(again, sub)).headers.get('location')).toBe('/account?oidc=welcome');
    expect((await json(await again.get('/api/me'))).id).not.toBe(id);
  });
});

describe('linking from the account page (signed in)', () => {
  it('links the provider identity to the signed-in account, whatever its address', async () => {
    const browser = new Client(t);
    const { userId, email } = await browser.signUp();
    const { sub } = providerPerson({ email: uniqueEmail() });
    const res = await signInWithProvider(browser, sub);
    expect(res.headers.get('location')).toBe('/account?oidc=linked');
    expect(await json(await browser.get('/api/me/providers'))).toMatchObject({ hasPassword: true, providers: [{ name: 'Test ID' }] });
    const later = new Client(t);
    expect((await signInWithProvider(later, sub)).headers.get('location')).toBe('/');
    expect(await json(await later.get('/api/me'))).toMatchObject({ id: userId, email });
  });

  it('does not move an identity that signs in to another account, nor add a second one from the same provider', async () => {
    const { sub: taken } = providerPerson();
    await signInWithProvider(new Client(t), taken);
    const browser = new Client(t);
    const { userId } = await browser.signUp();
    expect((await signInWithProvider(browser, taken)).headers.get('location')).toBe('/account?oidc=linked-elsewhere');
    const { sub: first } = providerPerson();
    const { sub: second } = providerPerson();
    expect((await signInWithProvider(browser, first)).headers.get('location')).toBe('/account?oidc=linked');
    expect((await signInWithProvider(browser, second)).headers.get('location')).toBe('/account?oidc=link-taken');
    expect((await t.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, userId)).all()).map((i) => i.subject)).toEqual([first]);
  });
});

describe('what expires', () => {
  it('refuses a flow older than ten minutes, forgets a pending link after thirty, and the hourly purge removes both', async () => {
    const { sub } = providerPerson();
    const slow = new Client(t);
    const back = await atProvider(await start(slow), sub);

    const owner = new Client(t);
    const { email, password } = await owner.signUp();
    const { sub: linkSub } = providerPerson({ email });
    const linking = new Client(t);
    await signInWithProvider(linking, linkSub);
    const abandoned = await atProvider(await start(new Client(t)), sub);
    expect(abandoned.searchParams.has('code')).toBe(true);

    t.clock.advance(10 * 60_000 + 1);
    const before = (await userCount());
    const late = await callback(slow, back);
    expect(late.headers.get('location')).toBe('/signin?oidc=expired');
    expect((await userCount())).toBe(before);

    t.clock.advance(20 * 60_000);
    expect(await json(await linking.get('/api/auth/oidc/pending'))).toEqual({ pending: null });
    const login = await linking.post('/api/auth/login', { email, password });
    expect((await json(login)).linkedProvider).toBeNull();

    const { purgeExpired } = await import('../../server/maintenance.ts');
    const purged = (await purgeExpired(t.db, 30, t.clock.now())).oidc;
    expect(purged.flows).toBeGreaterThanOrEqual(1);
    expect(purged.pendingLinks).toBeGreaterThanOrEqual(1);
    expect((await t.db.select().from(oidcFlows).all()).filter((f) => f.expiresAt <= t.clock.now())).toEqual([]);
    expect((await t.db.select().from(oidcPendingLinks).all()).filter((l) => l.expiresAt <= t.clock.now())).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limits provider sign-ins started per IP like failed sign-ins, and answers "unavailable" when the provider is down', async () => {
    const down = await startTestServer({
      realRateLimits: true,
      env: {
        PUBLIC_ORIGIN: 'http://127.0.0.1:9',
        // Nothing listens on port 9 here: discovery fails.
        OIDC_ISSUER: 'http://127.0.0.1:9',
        OIDC_CLIENT_ID: testClient.id,
        OIDC_CLIENT_SECRET: testClient.secret,
        RATE_LIMIT_LOGIN_FAILURES_PER_IP: '2',
      },
    });
    try {
      const browser = new Client(down);
      const outcomes: (string | null)[] = [];
      for (let i = 0; i < 3; i += 1) outcomes.push((await browser.get('/api/auth/oidc/start')).headers.get('location'));
      expect(outcomes).toEqual(['/signin?oidc=unavailable', '/signin?oidc=unavailable', '/signin?oidc=rate-limited']);
      down.clock.advance(15 * 60_000);
      expect((await browser.get('/api/auth/oidc/start')).headers.get('location')).toBe('/signin?oidc=unavailable');
    } finally {
      await down.close();
    }
  });
});
