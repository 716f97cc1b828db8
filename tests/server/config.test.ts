/** loadConfig: defaults, parsing, and clear messages for bad values. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { thrown } from '../support/errors.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, '/srv/clearcut');
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: '/srv/clearcut/data',
      distDir: '/srv/clearcut/dist',
      modelsDir: '/srv/clearcut/models',
      logRetentionDays: 30,
      publicOrigin: undefined,
      trustProxy: false,
      rateLimits: {
        signupsPerIpPerHour: 10,
        loginFailuresPerEmailPer15Min: 10,
        loginFailuresPerIpPer15Min: 30,
        passwordChangesPerAccountPerHour: 5,
      },
    });
  });

  it('parses overrides', () => {
    const config = loadConfig(
      { PORT: '9000', LOG_RETENTION_DAYS: '7', PUBLIC_ORIGIN: 'https://cut.example.com/', TRUST_PROXY: 'yes' },
      '/x',
    );
    expect(config.port).toBe(9000);
    expect(config.logRetentionDays).toBe(7);
    expect(config.publicOrigin).toBe('https://cut.example.com');
    expect(config.trustProxy).toBe(true);
  });

  it('lists every bad variable in one error', () => {
    const error = thrown(() => loadConfig({ PORT: 'eighty', LOG_RETENTION_DAYS: '0', PUBLIC_ORIGIN: 'ftp://x/y', TRUST_PROXY: 'maybe' }));
    expect(error).toBeInstanceOf(ConfigError);
    const message = error.message;
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('LOG_RETENTION_DAYS must be between 1 and 3650');
    expect(message).toContain('PUBLIC_ORIGIN must be an http(s) origin');
    expect(message).toContain('TRUST_PROXY must be true or false');
  });
});
