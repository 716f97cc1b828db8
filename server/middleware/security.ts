/** Hono middleware that puts the security headers on every response, errors and 404s included. */
import type { MiddlewareHandler } from 'hono';
import { servesHttps, type Config } from '../config.ts';
import { securityHeaders } from './security-headers.ts';

/** Adds securityHeaders() after the handler (or onError/notFound) has produced the response. */
export function securityHeadersMiddleware(config: Config): MiddlewareHandler {
  const plain = Object.entries(securityHeaders({ https: false }));
  const secure = Object.entries(securityHeaders({ https: true }));
  return async (c, next) => {
    await next();
    const headers = servesHttps(config, c.req.url) ? secure : plain;
    for (const [name, value] of headers) c.res.headers.set(name, value);
  };
}
