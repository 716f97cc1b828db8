/**
 * Test infrastructure for provider sign-in: a real OpenID Provider (oidc-provider) on 127.0.0.1
 * with one static client, behind a small front that can rewrite the ID token of the token
 * response (to prove the app refuses a wrong nonce, audience or signing key), a server for
 * profile pictures, and a browser-side helper that carries the provider's cookies.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import sharp from 'sharp';

/** The static client registered with the provider. */
export const testClient = { id: 'clearcut-test', secret: 'a-test-client-secret-of-enough-length' };

/** A person at the provider: the claims it vouches for. */
export interface ProviderAccount {
  email: string;
  email_verified: boolean;
  name?: string;
  picture?: string;
}

/** How the front rewrites the ID token in token responses. */
export type Tamper = null | 'nonce' | 'audience' | 'foreign-key';

export interface TestProvider {
  /** The issuer identifier (the front's URL). */
  issuer: string;
  accounts: Map<string, ProviderAccount>;
  /** Who "signs in" at the provider's login step next. */
  nextLogin: string;
  tamper: Tamper;
  close(): Promise<void>;
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const closeServer = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A port nobody is listening on right now (the app's PUBLIC_ORIGIN must be known before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

/** Starts the provider, its front, with `redirectUri` registered for the client. */
export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const foreign = await generateKeyPair('RS256');

  const front = createServer();
  const frontPort = await listen(front);
  const issuer = `http://127.0.0.1:${frontPort}`;
  const state: TestProvider = {
    issuer,
    accounts: new Map(),
    nextLogin: '',
    tamper: null,
    close: async () => {
      front.closeAllConnections();
      inner.closeAllConnections();
      await Promise.all([closeServer(front), closeServer(inner)]);
    },
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: testClient.id,
        client_secret: testClient.secret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // oidc-provider's JWK type predates jose 6's; the key is a plain RSA private JWK.
    jwks: { keys: [jwk as never] },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const account = state.accounts.get(id);
      return account ? { accountId: id, claims: () => ({ sub: id, ...account }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    // Like Google: email and profile claims in the ID token itself.
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['a-test-cookie-signing-key'] },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('[test provider]', err));
  const handle = provider.callback();

  // The login step: whoever `nextLogin` names signs in and consents to what the client asked for.
  const inner = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      try {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: state.nextLogin, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: state.nextLogin }, consent: { grantId } }, { mergeWithLastSubmission: false });
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
      return;
    }
    handle(req, res);
  });
  const innerPort = await listen(inner);

  const resign = async (idToken: string): Promise<string> => {
    const header = decodeProtectedHeader(idToken);
    const payload = decodeJwt(idToken);
    if (state.tamper === 'nonce') payload.nonce = 'a-nonce-from-another-sign-in';
    if (state.tamper === 'audience') payload.aud = 'some-other-client';
    const key = state.tamper === 'foreign-key' ? foreign.privateKey : privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: header.alg!, kid: header.kid! }).sign(key);
  };

  front.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const rewrite = state.tamper !== null && req.url?.split('?')[0] === '/token' && answer.statusCode === 200;
      if (!rewrite) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id_token: string };
        body.id_token = await resign(body.id_token);
        const text = JSON.stringify(body);
        const { 'content-length': _length, ...headers } = answer.headers;
        res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    upstream.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  });
  return state;
}

/** Serves /face.png (a real picture), /missing (404) and /huge.png (over the 5 MB avatar cap). */
export async function startPictureServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const face = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/face.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': face.length });
      res.end(face);
    } else if (req.url === '/huge.png') {
      // No Content-Length: the cap must hold while streaming.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(face);
      res.end(Buffer.alloc(6 * 1024 * 1024));
    } else {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}

/**
 * The browser's side at the provider: follows redirects on the provider's origin with its own
 * cookies until the provider sends the browser back to the app; returns that callback URL.
 */
export async function passThroughProvider(authorizationUrl: string, issuer: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop += 1) {
    if (url.origin !== new URL(issuer).origin) return url;
    const res = await fetch(url, {
      redirect: 'manual',
      headers: cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {},
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
    await res.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}
