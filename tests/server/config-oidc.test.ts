/** The OIDC_* variables: off unless all three are set, https only (http on this machine), PUBLIC_ORIGIN required. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { thrown } from '../support/errors.ts';

const google = {
  OIDC_ISSUER: 'https://accounts.google.com',
  OIDC_CLIENT_ID: '1234-abc.apps.googleusercontent.com',
  OIDC_CLIENT_SECRET: 'GOCSPX-a-secret-value',
  PUBLIC_ORIGIN: 'https://cut.example.com',
};

/** The message of the ConfigError that loading `env` throws. */
const problemsOf = (env: Record<string, string>): string => {
  const err = thrown(() => loadConfig(env, '/x'));
  expect(err).toBeInstanceOf(ConfigError);
  return err.message;
};

describe('OpenID Connect configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}, '/x').oidc).toBeNull();
  });

  it('names Google by default and builds the redirect URI from PUBLIC_ORIGIN', () => {
    expect(loadConfig(google, '/x').oidc).toEqual({
      issuer: 'https://accounts.google.com',
      clientId: google.OIDC_CLIENT_ID,
      clientSecret: google.OIDC_CLIENT_SECRET,
      name: 'Google',
      redirectUri: 'https://cut.example.com/api/auth/oidc/callback',
    });
    expect(loadConfig({ ...google, OIDC_NAME: 'Keycloak' }, '/x').oidc?.name).toBe('Keycloak');
  });

  it('wants the issuer, client id and secret together, and never prints the secret', () => {
    const message = problemsOf({ ...google, OIDC_CLIENT_ID: '' });
    expect(message).toMatch(/OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together/);
    expect(message).not.toContain(google.OIDC_CLIENT_SECRET);
  });

  it('requires PUBLIC_ORIGIN (the redirect URI must not follow the Host header)', () => {
    const { PUBLIC_ORIGIN: _origin, ...withoutOrigin } = google;
    expect(problemsOf(withoutOrigin)).toMatch(/PUBLIC_ORIGIN is required when OIDC_ISSUER is set/);
  });

  it('accepts plain http only for a provider on this machine', () => {
    expect(problemsOf({ ...google, OIDC_ISSUER: 'http://id.example.com' })).toMatch(/OIDC_ISSUER must be an https URL/);
    expect(problemsOf({ ...google, OIDC_ISSUER: 'not a url' })).toMatch(/OIDC_ISSUER must be an https URL/);
    expect(loadConfig({ ...google, OIDC_ISSUER: 'http://127.0.0.1:4000' }, '/x').oidc?.issuer).toBe('http://127.0.0.1:4000');
  });

  it('refuses a display name that is long or carries markup', () => {
    expect(problemsOf({ ...google, OIDC_NAME: '<b>Google</b>' })).toMatch(/OIDC_NAME must be a short plain name/);
    expect(problemsOf({ ...google, OIDC_NAME: 'x'.repeat(41) })).toMatch(/OIDC_NAME must be a short plain name/);
  });
});
