/** CSRF: state-changing requests must come from the app's own origin. */
import type { MiddlewareHandler } from 'hono';
import { appOrigin, type Config } from '../config.ts';
import { ApiError } from '../errors.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The one cookie-less endpoint a third party (Stripe) posts to. */
export const stripeWebhookPath = '/api/billing/stripe/webhook';

/**
 * Refuses POST/PUT/PATCH/DELETE unless `Sec-Fetch-Site: same-origin` or `Origin` equals the
 * app's origin. Hono's csrf() checks only form-like bodies; a JSON fetch needs this too.
 */
export function csrfProtection(config: Config): MiddlewareHandler {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    // Stripe's webhook carries no cookie and is verified by its signature instead.
    if (c.req.path === stripeWebhookPath) return next();
    // A bearer API-key request without a cookie cannot ride on a browser's ambient credentials;
    // the API-key middleware then allows it only where keys are allowed.
    if (/^Bearer\s/i.test(c.req.header('authorization') ?? '') && c.req.header('cookie') === undefined) return next();
    const expected = appOrigin(config, c.req.url);
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    if (site === 'same-origin' || (origin !== undefined && origin === expected)) return next();
    throw new ApiError(403, 'csrf', 'This request did not come from the clearcut app (missing or foreign Origin).');
  };
}
