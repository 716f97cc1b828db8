/**
 * /api/support: contact and support requests. Signed-in people send from their account's address;
 * anyone else gives an address. Limits as on sign-up: per IP, and per address for the mails.
 */
import { Hono } from 'hono';
import type { RouteDeps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { supportReceivedMail } from '../mail/templates.ts';
import { consumeAttempt, rateLimit } from '../middleware/rate-limit.ts';
import { requireUser } from '../middleware/session.ts';
import { appOrigin } from '../config.ts';
import { createSupportRequest, listUserSupportRequests, supportKindLabels, toSupportView } from '../support/requests.ts';
import { errorBody } from '../errors.ts';
import { supportRequestSchema } from './schemas.ts';
import { jsonBody } from './validate.ts';

/** The support sub-app, mounted at /api/support. */
export function supportRoutes(deps: RouteDeps) {
  const { db, config, limiters } = deps;
  return new Hono<AppEnv>()
    .post(
      '/requests',
      // Counted before validation, like sign-up, so malformed attempts use up the allowance too.
      rateLimit(limiters.supportPerIp, 'ip'),
      jsonBody(supportRequestSchema),
      async (c) => {
        const body = c.req.valid('json');
        const user = c.get('user');
        // Signed in, the answer goes to the account's own address; otherwise to the one given.
        const email = user?.email ?? body.email;
        if (!email) return c.json(errorBody('invalid', 'email: Give the address we should answer to.'), 422);
        // One address cannot be flooded with confirmations by someone else.
        await consumeAttempt(limiters.supportPerEmail, email);
        const row = await createSupportRequest(db, { userId: user?.id ?? null, email, kind: body.kind, message: body.message }, deps.now());
        const origin = appOrigin(config, c.req.url);
        deps.mailer.send(supportReceivedMail(email, row.reference, supportKindLabels[row.kind], `${origin}/account#support-heading`));
        return c.json({ request: toSupportView(row) }, 201);
      },
    )
    // The account page's "Your requests".
    .get('/requests', async (c) => {
      const { user } = requireUser(c);
      return c.json({ requests: (await listUserSupportRequests(db, user.id)).map(toSupportView) }, 200);
    });
}
