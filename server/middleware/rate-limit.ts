/** The rate-limit guard of the routes: one attempt counted per request, 429 with Retry-After past the limit. */
import type { MiddlewareHandler } from 'hono';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { requireUser } from './session.ts';

/** The 429 `rate_limited` error, telling the wait in minutes (and exactly in Retry-After). */
export function tooManyAttempts(retryAfterSeconds: number): ApiError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new ApiError(429, 'rate_limited', `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** Counts one attempt for `key`; throws tooManyAttempts once the limit is reached. */
export async function consumeAttempt(limiter: RateLimiter, key: string): Promise<void> {
  const limit = await limiter.consume(key);
  if (!limit.allowed) throw tooManyAttempts(limit.retryAfterSeconds);
}

/**
 * Middleware counting one attempt per request against `limiter`, per client IP or per signed-in
 * account (which must then be signed in: 401 otherwise).
 */
export function rateLimit(limiter: RateLimiter, per: 'ip' | 'account'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await consumeAttempt(limiter, per === 'ip' ? c.get('ip') : requireUser(c).user.id);
    await next();
  };
}
