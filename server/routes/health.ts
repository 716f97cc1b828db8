/** GET /healthz, for a load balancer or an orchestrator: liveness and readiness in one answer. */
import { Hono } from 'hono';
import { databaseReachable, type Db } from '../db/client.ts';
import type { AppEnv } from '../env.ts';

/**
 * 200 when the process answers (live), the database answers a query and the server is not
 * shutting down (ready); 503 with the same body otherwise, so traffic goes elsewhere.
 */
export function healthRoutes(deps: { db: Db; stopping: () => boolean }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const database = await databaseReachable(deps.db) ? ('ok' as const) : ('unreachable' as const);
    const stopping = deps.stopping();
    const ready = database === 'ok' && !stopping;
    c.header('Cache-Control', 'no-store');
    return c.json({ live: true as const, ready, database, stopping }, ready ? 200 : 503);
  });
}
