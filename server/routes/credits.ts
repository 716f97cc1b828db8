/** /api/credits: balance, ledger history and spending. The balance and spending also accept an API key. */
import { Hono } from 'hono';
import { settledBalance } from '../billing/memberships.ts';
import { membershipProduct } from '../billing/products.ts';
import { listLedger } from '../credits/ledger.ts';
import { exportCost } from '../credits/pricing.ts';
import { spendForExport } from '../credits/spend.ts';
import { requirePoliciesAccepted } from '../policies/gate.ts';
import type { AppEnv } from '../env.ts';
import { requireAccount } from '../middleware/api-key.ts';
import { requireUser } from '../middleware/session.ts';
import type { RouteDeps } from '../deps.ts';
import { ledgerQuerySchema, spendSchema } from './schemas.ts';
import { jsonBody, queryParams } from './validate.ts';

/** The credits sub-app, mounted at /api/credits. */
export function creditsRoutes(deps: RouteDeps) {
  const { db, config } = deps;
  const membership = membershipProduct(config.billing);
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const user = requireAccount(c);
      // A local membership whose period ended renews here, so the balance shown is current.
      return c.json({ balance: await settledBalance(db, { now: deps.now(), product: membership, userId: user.id }) }, 200);
    })
    .get('/ledger', queryParams(ledgerQuerySchema), async (c) => {
      const { user } = requireUser(c);
      const { cursor, limit = 20 } = c.req.valid('query');
      return c.json(await listLedger(db, user.id, { cursor, limit }), 200);
    })
    .post('/spend', jsonBody(spendSchema), async (c) => {
      const user = requireAccount(c);
      const body = c.req.valid('json');
      // Free exports go on regardless; a charge waits for the current terms (the CLI's API key included).
      if (exportCost(body.width, body.height) > 0) await requirePoliciesAccepted(db, user.id, deps.policies);
      const result = await spendForExport(db, { userId: user.id, ...body, now: deps.now() });
      if (!result.ok) {
        return c.json(
          {
            error: { code: 'insufficient_credits' as const, message: 'Not enough credits for a full-resolution export.' },
            balance: result.balance,
          },
          402,
        );
      }
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json({ balance: result.balance, charged: result.charged }, 200);
    });
}
