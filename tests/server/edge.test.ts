/** The HTTP edge: CSRF, malformed and oversize bodies, content types, error shape. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, json, signupConsent, startTestServer, strongPassword, uniqueEmail, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  // Listening: a chunked body (no Content-Length) is sent through node:http, to see the limit enforced while streaming.
  t = await startTestServer({ listen: true });
});
afterAll(() => t.close());

describe('CSRF', () => {
  it('refuses state-changing requests without an Origin or with a foreign one', async () => {
    const client = new Client(t);
    await client.signUp();
    for (const origin of [null, 'https://evil.example', 'null', `${t.url}.evil.example`]) {
      for (const [method, path, body] of [
        ['POST', '/api/auth/signup', { email: uniqueEmail(), password: strongPassword, ...signupConsent }],
        ['PATCH', '/api/me', { displayName: 'pwned' }],
        ['DELETE', '/api/me/sessions', undefined],
        ['POST', '/api/auth/logout', undefined],
      ] as const) {
        const res = await client.request(method, path, { json: body, origin });
        expect(res.status, `${method} ${path} from ${origin}`).toBe(403);
        expect(await errorCode(res)).toBe('csrf');
      }
    }
    expect((await json(await client.get('/api/me'))).displayName).toBeNull();
  });

  it('refuses a cross-site form post even with a form content type', async () => {
    const res = await new Client(t).request('POST', '/api/auth/login', {
      body: 'email=a@b.co&password=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
  });

  it('accepts Sec-Fetch-Site: same-origin when no Origin is sent', async () => {
    const res = await new Client(t).request('POST', '/api/auth/signup', {
      json: { email: uniqueEmail(), password: strongPassword, ...signupConsent },
      origin: null,
      headers: { 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(res.status).toBe(201);
  });

  it('lets reads through without an Origin', async () => {
    expect((await new Client(t).get('/api/health', { origin: null })).status).toBe(200);
  });
});

describe('bodies', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    for (const body of ['{', '{"email": }', 'not json', '']) {
      const res = await new Client(t).request('POST', '/api/auth/login', {
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(res.status, body).toBe(400);
      expect(await errorCode(res)).toBe('malformed_json');
    }
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await new Client(t).request('POST', '/api/auth/login', {
      body: 'email=a@b.co',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(await errorCode(res)).toBe('unsupported_media_type');
  });

  it('answers JSON over 16 KB with 413, by Content-Length and when chunked', async () => {
    const big = JSON.stringify({ email: uniqueEmail(), password: strongPassword, displayName: 'x'.repeat(17 * 1024) });
    const res = await new Client(t).request('POST', '/api/auth/signup', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('too_large');

    // Chunked: no Content-Length, so the limit is enforced while streaming.
    const url = new URL(t.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/auth/signup',
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: t.url, 'Transfer-Encoding': 'chunked' },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('never shows a stack trace: unknown routes and wrong methods are JSON errors', async () => {
    const res = await new Client(t).request('PUT', '/api/auth/login', { json: {} });
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(body).not.toMatch(/at .*\.ts|node_modules/);
  });
});
