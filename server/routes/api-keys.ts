/** /api/me/api-keys: create (the secret shown once), list, revoke. Cookie sessions only: a key cannot make keys. */
import { Hono } from 'hono';
import { createApiKey, listApiKeys, maxActiveApiKeys, revokeApiKey } from '../auth/api-key.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { requireUser, requireVerifiedEmail } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { apiKeyCreateSchema } from './schemas.ts';
import { jsonBody } from './validate.ts';

/** The API-keys sub-app, mounted at /api/me/api-keys. */
export function apiKeyRoutes(deps: RouteDeps) {
  const { db } = deps;
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ apiKeys: await listApiKeys(db, requireUser(c).user.id) }, 200))
    .post('/', requireVerifiedEmail, jsonBody(apiKeyCreateSchema), async (c) => {
      const { user } = requireUser(c);
      const created = await createApiKey(db, user.id, c.req.valid('json').name, deps.now());
      if (!created) {
        return c.json(errorBody('too_many_keys', `You can have at most ${maxActiveApiKeys} keys; revoke one first.`), 409);
      }
      c.header('Cache-Control', 'no-store');
      // `key` is in this response only: the server keeps just its hash.
      return c.json({ apiKey: created.apiKey, key: created.key }, 201);
    })
    .delete('/:id', async (c) => {
      const { user } = requireUser(c);
      if (!await revokeApiKey(db, user.id, c.req.param('id'), deps.now())) return c.json(errorBody('not_found', 'No such API key.'), 404);
      return c.body(null, 204);
    });
}
