/** Avatars: upload and removal under /api/me/avatar, and serving under /api/avatars/:key. */
import { Hono } from 'hono';
import { setUserAvatarKey, avatarUrl } from '../auth/user.ts';
import { processAvatar } from '../avatars/process.ts';
import { avatarKeyPattern } from '../avatars/store.ts';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { requireUser } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';

/** PUT and DELETE /api/me/avatar. */
export function myAvatarRoutes(deps: RouteDeps) {
  const { db, avatars } = deps;
  return new Hono<AppEnv>()
    .put('/', async (c) => {
      const { user } = requireUser(c);
      const type = c.req.header('content-type') ?? '';
      if (!type.toLowerCase().startsWith('multipart/form-data')) {
        return c.json(errorBody('unsupported_media_type', 'Upload the avatar as multipart/form-data, field "avatar".'), 415);
      }
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody();
      } catch {
        return c.json(errorBody('bad_request', 'The upload could not be read.'), 400);
      }
      const file = form['avatar'];
      if (!(file instanceof File) || file.size === 0) {
        return c.json(errorBody('invalid', 'avatar: choose an image file.'), 422);
      }
      const result = await processAvatar(Buffer.from(await file.arrayBuffer()));
      if (!result.ok) return c.json(errorBody(result.code, result.message), result.status);
      const key = await avatars.save(result.webp);
      let previous: string | null;
      try {
        previous = await setUserAvatarKey(db, user.id, key);
      } catch (err) {
        await avatars.remove(key);
        throw err;
      }
      await avatars.remove(previous);
      return c.json({ avatarUrl: avatarUrl(key)! }, 200);
    })
    .delete('/', async (c) => {
      const { user } = requireUser(c);
      await avatars.remove(await setUserAvatarKey(db, user.id, null));
      return c.body(null, 204);
    });
}

/** GET /api/avatars/:key: the stored WebP. Keys are random and change on every upload, so caching is long. */
export function avatarFileRoutes(deps: RouteDeps) {
  return new Hono<AppEnv>().get('/:key', async (c) => {
    const key = c.req.param('key');
    const bytes = avatarKeyPattern.test(key) ? await deps.avatars.read(key) : null;
    if (!bytes) return c.json(errorBody('not_found', 'No such avatar.'), 404);
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': 'image/webp',
      'Content-Length': String(bytes.length),
      // private: shared caches must not keep a picture the person may later delete.
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    });
  });
}
