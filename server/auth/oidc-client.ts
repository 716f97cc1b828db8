/** The OpenID Connect relying party (openid-client): discovery, the authorization URL, the code exchange and its checks. */
import * as client from 'openid-client';
import type { OidcConfig } from '../config.ts';

/** What the browser must bring back from the provider: kept server-side until the callback. */
export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The person as the provider vouches for them, after every check passed. */
export interface ProviderIdentity {
  /** The provider's issuer identifier as its discovery document states it. */
  issuer: string;
  /** The provider's stable id for the person (`sub`); emails can change, this does not. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  picture: string | null;
}

/** Why a callback was refused, in words the sign-in page maps to a message. */
export type SignInFailure = 'cancelled' | 'failed' | 'unavailable';

/** A refused callback; `detail` is for the operator's log (never a token or code). */
export class OidcSignInError extends Error {
  override name = 'OidcSignInError';
  constructor(
    readonly reason: SignInFailure,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** One configured provider. */
export interface RelyingParty {
  /** The button's label, "Continue with <name>". */
  readonly name: string;
  /** Where to send the browser, and what it must come back with. */
  begin(): Promise<{ url: URL; pending: PendingAuthorization }>;
  /** Exchanges the code (with PKCE) and verifies the ID token: signature, issuer, audience, expiry, nonce; and the state. */
  finish(callbackSearch: string, pending: PendingAuthorization): Promise<ProviderIdentity>;
}

const scope = 'openid email profile';

/** Builds the relying party; discovery happens on first use and is retried after a failure. */
export function createRelyingParty(config: OidcConfig): RelyingParty {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= (async () => {
      const issuer = new URL(config.issuer);
      const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 };
      const found = await client.discovery(issuer, config.clientId, config.clientSecret, undefined, options);
      found.timeout = 10;
      // openid-client trusts an ID token from the token endpoint on TLS alone (OIDC Core 3.1.3.7 allows it);
      // we verify its signature against the provider's published keys as well.
      client.enableNonRepudiationChecks(found);
      return found;
    })();
    discovered.catch(() => {
      discovered = undefined;
    });
    return discovered;
  };
  const reach = async (): Promise<client.Configuration> => {
    try {
      return await configuration();
    } catch (err) {
      throw new OidcSignInError('unavailable', `discovery failed: ${describe(err)}`);
    }
  };

  return {
    name: config.name,
    async begin() {
      const found = await reach();
      const pending = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(found, {
        redirect_uri: config.redirectUri,
        scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, pending };
    },
    async finish(callbackSearch, pending) {
      const found = await reach();
      // The URL the provider was told to come back to, with what it came back with (never the Host header).
      const current = new URL(config.redirectUri);
      current.search = callbackSearch;
      const error = current.searchParams.get('error');
      if (error === 'access_denied') throw new OidcSignInError('cancelled', 'the person declined at the provider');
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(found, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw new OidcSignInError('failed', describe(err));
      }
      const claims = tokens.claims();
      if (!claims) throw new OidcSignInError('failed', 'no ID token');
      let source: Record<string, unknown> = claims;
      // Some providers put email and profile only in the userinfo response (Google puts them in the ID token too).
      if (typeof claims.email !== 'string') {
        try {
          source = { ...(await client.fetchUserInfo(found, tokens.access_token, claims.sub)), ...claims };
        } catch (err) {
          throw new OidcSignInError('failed', `userinfo: ${describe(err)}`);
        }
      }
      const text = (value: unknown, max: number): string | null => (typeof value === 'string' && value !== '' && value.length <= max ? value : null);
      return {
        issuer: found.serverMetadata().issuer,
        subject: claims.sub,
        email: text(source.email, 254)?.trim().toLowerCase() ?? null,
        // Some providers send the string "true".
        emailVerified: source.email_verified === true || source.email_verified === 'true',
        name: text(source.name, 200),
        picture: text(source.picture, 2000),
      };
    },
  };
}

/** The error's class, code and message: enough for the operator, and none of them carries a token or code. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? ` ${err.code}` : '';
  const oauthError = 'error' in err && typeof err.error === 'string' ? ` (${err.error})` : '';
  return `${err.name}${code}${oauthError}: ${err.message}`;
}
