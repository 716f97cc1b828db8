/** CSRF: state-changing requests must come from the app's own origin. */
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { ApiError } from '../errors.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses POST/PUT/PATCH/DELETE unless `Sec-Fetch-Site: same-origin` or `Origin` equals the
 * app's origin. Hono's csrf() checks only form-like bodies; a JSON fetch needs this too.
 */
export function csrfProtection(config: Config): MiddlewareHandler {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    const expected = config.publicOrigin ?? new URL(c.req.url).origin;
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    if (site === 'same-origin' || (origin !== undefined && origin === expected)) return next();
    throw new ApiError(403, 'csrf', 'This request did not come from the clearcut app (missing or foreign Origin).');
  };
}
