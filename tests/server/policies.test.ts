/** The terms and privacy policy as versioned documents, through the app (app.request()): acceptance at sign-up, material changes, and the paid actions they block. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema.ts';
import { loadPolicies, readPolicyTexts, type PolicySet } from '../../server/policies/documents.ts';
import { parsePolicy } from '../../common/policy-document.ts';
import { eq } from 'drizzle-orm';
import { Client, errorCode, json, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer, sqlRows } from './helpers.ts';

let t: TestServer;
/** The documents the server runs with; a test publishes a new version by replacing an entry. */
let policies: PolicySet;
const original = loadPolicies();

beforeAll(async () => {
  policies = { ...original };
  t = await startTestServer({ deps: { policies } });
});
afterAll(() => t.close());

/** The privacy policy's text with its front matter changed, parsed exactly as the real file is. */
function privacyVersion(front: string) {
  const text = readPolicyTexts().privacy.replace(/^---\n[\s\S]*?\n---\n/, `---\ntitle: Privacy policy\n${front}\n---\n`);
  return parsePolicy(text, 'privacy.md').meta;
}

const fullSize = { width: 2000, height: 1500 };
let keys = 0;
const spend = (client: Client, size = fullSize) => client.post('/api/credits/spend', { idempotencyKey: `policy-test-${++keys}`, ...size });

describe('the documents', () => {
  it('are the Markdown files in legal/, versioned in their front matter, and the server says which versions are current', async () => {
    for (const id of ['terms', 'privacy'] as const) {
      expect(original[id].version).toBeGreaterThanOrEqual(1);
      expect(original[id].effective).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(original[id].summary.length).toBeGreaterThan(20);
    }
    const body = await json(await new Client(t).get('/api/policies'));
    expect(body.terms).toEqual(original.terms);
    expect(body.privacy).toEqual(original.privacy);
  });
});

describe('sign-up', () => {
  it('records the acceptance of the current terms and privacy policy, and the age choice, and the export lists them', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    expect((await t.db.select().from(users).where(eq(users.id, userId)).get())!.ageConfirmation).toBe('adult');
    expect(await json(await client.get('/api/policies/pending'))).toEqual({ pending: [] });
    const data = await json(await client.get('/api/me/export'));
    expect(data.profile.ageConfirmation).toBe('adult');
    expect(data.policyAcceptances).toEqual([
      { document: 'terms', version: original.terms.version, via: 'signup', acceptedAt: t.clock.now().toISOString() },
      { document: 'privacy', version: original.privacy.version, via: 'signup', acceptedAt: t.clock.now().toISOString() },
    ]);
  });

  it('records "a parent or guardian consents" as the choice', async () => {
    const email = uniqueEmail();
    const res = await new Client(t).post('/api/auth/signup', { email, password: strongPassword, ageConfirmation: 'guardian', acceptPolicies: true });
    expect(res.status).toBe(201);
    expect((await t.db.select().from(users).where(eq(users.email, email)).get())!.ageConfirmation).toBe('guardian');
  });

  it('creates no account without the terms accepted or without the age choice, and says which is missing', async () => {
    for (const [body, message] of [
      [{ ageConfirmation: 'adult' }, /Accept the terms/],
      [{ ageConfirmation: 'adult', acceptPolicies: false }, /Accept the terms/],
      [{ acceptPolicies: true }, /18 or older/],
      [{ acceptPolicies: true, ageConfirmation: 'teenager' }, /18 or older/],
    ] as const) {
      const email = uniqueEmail();
      const res = await new Client(t).post('/api/auth/signup', { email, password: strongPassword, ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await json(res)).error.message).toMatch(message);
      expect(await t.db.select().from(users).where(eq(users.email, email)).get()).toBeUndefined();
    }
  });
});

describe('a material change', () => {
  it('is listed with its summary, blocks checkout and full-resolution spends until accepted, and is recorded when accepted', async () => {
    const client = new Client(t);
    await client.signUp();
    expect((await spend(client)).status).toBe(200);

    policies.privacy = privacyVersion(`version: ${original.privacy.version + 1}\neffective: 2026-12-24\nmaterial: true\nsummary: Support requests are now kept for two years.`);
    try {
      const pending = await json(await client.get('/api/policies/pending'));
      expect(pending.pending).toEqual([
        { document: 'privacy', title: 'Privacy policy', version: original.privacy.version + 1, effective: '2026-12-24', summary: 'Support requests are now kept for two years.' },
      ]);
      const refused = await spend(client);
      expect(refused.status).toBe(403);
      expect(await errorCode(refused)).toBe('policy_acceptance_required');
      const checkout = await client.post('/api/billing/orders', { product: 'pack-10' });
      expect(checkout.status).toBe(403);
      expect(await errorCode(checkout)).toBe('policy_acceptance_required');
      // What costs nothing goes on.
      expect(await json(await spend(client, { width: 800, height: 600 }))).toMatchObject({ charged: 0 });
      expect(await json(await client.get('/api/credits'))).toEqual({ balance: 2 });

      // Accepting names the versions read; an older page cannot accept a newer text.
      const stale = await client.post('/api/policies/accept', { terms: original.terms.version, privacy: original.privacy.version });
      expect(stale.status).toBe(409);
      const accepted = await client.post('/api/policies/accept', { terms: original.terms.version, privacy: original.privacy.version + 1 });
      expect(await json(accepted)).toEqual({ pending: [] });

      expect(await json(await spend(client))).toMatchObject({ charged: 1, balance: 1 });
      expect((await client.post('/api/billing/orders', { product: 'pack-10' })).status).toBe(201);
      const data = await json(await client.get('/api/me/export'));
      expect(data.policyAcceptances.map((a: { document: string; version: number; via: string }) => `${a.document} ${a.version} ${a.via}`)).toEqual([
        `terms ${original.terms.version} signup`,
        `privacy ${original.privacy.version} signup`,
        `terms ${original.terms.version} notice`,
        `privacy ${original.privacy.version + 1} notice`,
      ]);
    } finally {
      policies.privacy = original.privacy;
    }
  });

  it('is also what an account that never accepted anything sees: its paid actions wait too', async () => {
    const client = new Client(t);
    const { userId } = await client.signUp();
    (await sqlRows(t.db, 'delete from policy_acceptances where user_id = ?', userId));
    expect((await json(await client.get('/api/policies/pending'))).pending.map((p: { document: string }) => p.document)).toEqual(['terms', 'privacy']);
    expect(await errorCode(await spend(client))).toBe('policy_acceptance_required');
  });

  it('through an API key, the CLI gets the same refusal', async () => {
    const client = new Client(t);
    await client.signUp();
    const { key } = await json(await client.post('/api/me/api-keys', { name: 'cli' }));
    policies.terms = { ...original.terms, version: original.terms.version + 1, requiredVersion: original.terms.version + 1 };
    try {
      const res = await new Client(t).post('/api/credits/spend', { idempotencyKey: 'cli-key-0001', ...fullSize }, { origin: null, headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(403);
      expect((await json(res)).error).toMatchObject({ code: 'policy_acceptance_required', message: expect.stringMatching(/^Version \d+ of the terms of service needs your acceptance/) });
    } finally {
      policies.terms = original.terms;
    }
  });
});

describe('a minor change', () => {
  it('only updates the date: nothing to accept, nothing blocked', async () => {
    const client = new Client(t);
    await client.signUp();
    const v = original.privacy.version;
    policies.privacy = privacyVersion(`version: ${v + 1}\neffective: 2027-01-02\nmaterial: false\nlastMaterialVersion: ${v}\nlastMaterialSummary: ${original.privacy.summary}\nsummary: Typos fixed.`);
    try {
      expect((await json(await new Client(t).get('/api/policies'))).privacy.effective).toBe('2027-01-02');
      expect(await json(await client.get('/api/policies/pending'))).toEqual({ pending: [] });
      expect((await spend(client)).status).toBe(200);
      // Someone who missed the material version before it is told what that one changed, not about the typos.
      const behind = new Client(t);
      const { userId } = await behind.signUp();
      (await sqlRows(t.db, "update policy_acceptances set version = 0 where document = 'privacy' and user_id = ?", userId));
      expect((await json(await behind.get('/api/policies/pending'))).pending).toEqual([
        { document: 'privacy', title: 'Privacy policy', version: v + 1, effective: '2027-01-02', summary: original.privacy.summary },
      ]);
    } finally {
      policies.privacy = original.privacy;
    }
  });
});
