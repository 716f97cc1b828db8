/** `Authorization: Bearer <API key>`: accepted for the balance and for spending, refused everywhere else. */
import type { Context, MiddlewareHandler } from 'hono';
import { validateApiKey } from '../auth/api-key.ts';
import type { RateLimiters } from '../auth/rate-limit.ts';
import type { Db } from '../db/client.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

/** The only requests an API key may make. */
const keyScope = new Set(['GET /api/credits', 'POST /api/credits/spend']);

/** True when an API key may make this request. */
export function apiKeyAllowed(method: string, path: string): boolean {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return keyScope.has(`${method} ${trimmed}`);
}

/**
 * With a bearer header: the key must be valid (401), its owner not suspended (403), the
 * request within the key's scope (403, still logged to the owner) and the key under its
 * rate limit (429 with Retry-After). The key's owner becomes the request's user and any
 * session cookie is ignored, so the access log records the use under the account.
 */
export function apiKeyAuth(deps: { db: Db; now: () => Date; limiters: Pick<RateLimiters, 'apiKey'> }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'invalid_api_key', 'Send the API key as "Authorization: Bearer <key>".');
    const found = await validateApiKey(deps.db, match[1]!, deps.now());
    if (!found) throw new ApiError(401, 'invalid_api_key', 'This API key is not valid or has been revoked.');
    c.set('user', found.user);
    c.set('session', null);
    c.set('apiKey', { id: found.keyId, prefix: found.prefix });
    if (found.user.bannedAt) throw new ApiError(403, 'suspended', 'This account is suspended.');
    if (!apiKeyAllowed(c.req.method, c.req.path)) {
      throw new ApiError(403, 'api_key_scope', 'API keys can only read the balance (GET /api/credits) and spend credits (POST /api/credits/spend).');
    }
    const limit = await deps.limiters.apiKey.consume(found.keyId);
    if (!limit.allowed) {
      throw new ApiError(429, 'rate_limited', `Too many requests with this API key. Try again in ${limit.retryAfterSeconds} s.`, {
        'Retry-After': String(limit.retryAfterSeconds),
      });
    }
    await next();
  };
}

/** The signed-in person or the API key's owner, or a 401 (only for routes in the key scope). */
export function requireAccount(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user || (!c.get('session') && !c.get('apiKey'))) throw new ApiError(401, 'unauthorized', 'Sign in or send an API key first.');
  return user;
}
