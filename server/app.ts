/** createApp(deps): the whole server as one Hono app, used as-is by main.ts and the tests. */
import { Hono } from 'hono';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { AppEnv } from './env.ts';
import { handleError, handleNotFound } from './errors.ts';
import { clientIp } from './middleware/client-ip.ts';
import { securityHeadersMiddleware } from './middleware/security.ts';
import { modelRoutes } from './static/models.ts';
import { pwaRoutes } from './static/pwa.ts';

/** What the app needs from outside; `now` lets tests move the clock. */
export interface AppDeps {
  config: Config;
  db: Db;
  now?: () => Date;
}

/** Builds the app: middleware, the API sub-apps, /models and the PWA. */
export function createApp(deps: AppDeps) {
  const { config } = deps;
  const app = new Hono<AppEnv>()
    .use('*', securityHeadersMiddleware(config))
    .use('*', async (c, next) => {
      c.set('ip', clientIp(c, config.trustProxy));
      c.set('user', null);
      c.set('session', null);
      await next();
    })
    .get('/api/health', (c) => c.json({ ok: true as const }, 200))
    .route('/models', modelRoutes(config.modelsDir))
    .route('/', pwaRoutes(config.distDir));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

/** The API's type for Hono's RPC client: `hc<AppType>('/')`. */
export type AppType = ReturnType<typeof createApp>;
