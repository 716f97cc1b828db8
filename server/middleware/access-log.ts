/** Queues one access-log row per request, after the response is known (written in batches by the buffer). */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import type { AccessLogBuffer } from '../logs/access-log-buffer.ts';

/** Logs time, IP, user agent, method, path (no query), status, user id and duration; never bodies or cookies. */
export function accessLog(buffer: AccessLogBuffer, now: () => Date): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const time = now();
    await next();
    buffer.add({
      time,
      ip: c.get('ip'),
      userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
      method: c.req.method.slice(0, 16),
      // c.req.path never includes the query string.
      path: c.req.path.slice(0, 512),
      status: c.res.status,
      userId: c.get('user')?.id ?? null,
      durationMs: Math.round(performance.now() - started),
      apiKeyPrefix: c.get('apiKey')?.prefix ?? null,
    });
  };
}
