/** /api/policies: the current terms and privacy policy, what the signed-in person still has to accept, and accepting it. */
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { requireUser } from '../middleware/session.ts';
import { pendingPolicies, recordAcceptances } from '../policies/acceptances.ts';
import type { RouteDeps } from '../deps.ts';
import { policyAcknowledgeSchema } from './schemas.ts';
import { jsonBody } from './validate.ts';

/** The policies sub-app, mounted at /api/policies. */
export function policyRoutes(deps: RouteDeps) {
  const { db, policies } = deps;
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ terms: policies.terms, privacy: policies.privacy }, 200))
    // The notice: material changes this person has not accepted yet (empty for most visits).
    .get('/pending', async (c) => {
      const { user } = requireUser(c);
      return c.json({ pending: await pendingPolicies(db, user.id, policies) }, 200);
    })
    .post('/accept', jsonBody(policyAcknowledgeSchema), async (c) => {
      const { user } = requireUser(c);
      const shown = c.req.valid('json');
      // Accepting names the versions the person read; if the server has a newer one, they must read that first.
      if (shown.terms !== policies.terms.version || shown.privacy !== policies.privacy.version) {
        return c.json(errorBody('invalid', 'A newer version was published since this page loaded; reload it to read the changes.'), 409);
      }
      await recordAcceptances(db, user.id, policies, 'notice', deps.now());
      return c.json({ pending: await pendingPolicies(db, user.id, policies) }, 200);
    });
}
