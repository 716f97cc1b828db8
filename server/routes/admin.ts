/**
 * /api/admin: the admin console's API. Every route checks the role on the server (403 `admin_only`
 * for anyone else) and every action is written to the audit log, which this API can only read.
 * Audit rows name accounts by id, never by address: a deleted account's address must not outlive it there.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { closeAccount } from '../account/close.ts';
import { accountDetail, searchAccounts } from '../admin/accounts.ts';
import { listAudit, writeAudit } from '../admin/audit.ts';
import { liftSuspension, refundLocalOrder, suspendAccount, adjustBalance } from '../admin.ts';
import { appOrigin } from '../config.ts';
import { users } from '../db/schema.ts';
import type { RouteDeps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, errorBody } from '../errors.ts';
import { dailyVisits } from '../logs/daily-visits.ts';
import { supportAnsweredMail } from '../mail/templates.ts';
import { requireUser } from '../middleware/session.ts';
import { rememberChildEmail } from '../policies/child-emails.ts';
import { answerSupportRequest, closeSupportRequest, eraseSupportAddress, getSupportRequest, listSupportInbox, supportRequestIdsOf, toSupportView } from '../support/requests.ts';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { creditAdjustSchema, ledgerQuerySchema, supportAnswerSchema, userSearchSchema, visitsQuerySchema } from './schemas.ts';
import { jsonBody, queryParams } from './validate.ts';

/** Refuses anyone who is not signed in (401) or not an admin (403), before any handler runs. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { user } = requireUser(c);
  if (user.role !== 'admin') throw new ApiError(403, 'admin_only', 'Only admins may do this.');
  await next();
};

const statusQuerySchema = z.object({ status: z.enum(['open', 'answered', 'closed']).optional() });

/** The admin sub-app, mounted at /api/admin. */
export function adminRoutes(deps: RouteDeps) {
  const { db, config } = deps;
  const admin = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => {
    const { user } = requireUser(c);
    return { id: user.id, email: user.email };
  };
  const notFound = (what: string) => new ApiError(404, 'not_found', `No such ${what}.`);
  const targetUser = async (id: string) => {
    const user = await db.select().from(users).where(eq(users.id, id)).get();
    if (!user) throw notFound('account');
    return user;
  };

  return new Hono<AppEnv>()
    .use('*', requireAdmin)
    .get('/users', queryParams(userSearchSchema), async (c) => c.json({ users: await searchAccounts(db, c.req.valid('query').q ?? '') }, 200))
    .get('/users/:id', async (c) => {
      const detail = await accountDetail(db, c.req.param('id'), deps.now());
      if (!detail) throw notFound('account');
      return c.json(detail, 200);
    })
    .post('/users/:id/ban', async (c) => {
      const target = await targetUser(c.req.param('id'));
      if (target.id === admin(c).id) return c.json(errorBody('invalid', 'You cannot suspend your own account.'), 422);
      await suspendAccount(db, target.id, deps.now());
      await writeAudit(db, { admin: admin(c), action: 'ban', target: target.id }, deps.now());
      return c.json({ banned: true }, 200);
    })
    .post('/users/:id/unban', async (c) => {
      const target = await targetUser(c.req.param('id'));
      await liftSuspension(db, target.id);
      await writeAudit(db, { admin: admin(c), action: 'unban', target: target.id }, deps.now());
      return c.json({ banned: false }, 200);
    })
    .post('/users/:id/credits', jsonBody(creditAdjustSchema), async (c) => {
      const target = await targetUser(c.req.param('id'));
      const { delta, reason } = c.req.valid('json');
      const by = admin(c);
      const result = await adjustBalance(db, target.id, delta, `admin ${by.email}: ${reason}`, deps.now());
      if (!result.ok) {
        return c.json(errorBody('insufficient_credits', `The balance is ${result.balance}; ${-delta} cannot be deducted.`), 409);
      }
      await writeAudit(db, { admin: by, action: 'adjust_credits', target: target.id, detail: { delta, reason, balance: result.balance } }, deps.now());
      return c.json({ balance: result.balance }, 200);
    })
    .post('/orders/:id/refund', async (c) => {
      const id = c.req.param('id');
      const result = await refundLocalOrder(db, id, deps.now());
      if (result === 'not_found') throw notFound('order');
      if (result === 'not_local') return c.json(errorBody('invalid', 'This order was paid through Stripe; refund it there (its webhook updates the order).'), 422);
      if (result === 'not_paid') return c.json(errorBody('invalid', 'Only a paid order can be refunded.'), 422);
      await writeAudit(db, { admin: admin(c), action: 'refund_order', target: id, detail: { creditsTaken: result.creditsTaken, userId: result.order.userId } }, deps.now());
      return c.json({ order: { id, status: result.order.status }, creditsTaken: result.creditsTaken }, 200);
    })
    // A child's account: deleted exactly as its holder could delete it; the address stays only as a hash.
    .post('/users/:id/child', async (c) => {
      const target = await targetUser(c.req.param('id'));
      const by = admin(c);
      if (target.id === by.id) return c.json(errorBody('invalid', 'You cannot close your own account here.'), 422);
      const requestIds = await supportRequestIdsOf(db, target.id);
      const outcome = await closeAccount(deps, target.id);
      if (outcome === 'payment_provider') {
        return c.json(errorBody('payment_provider', 'The membership could not be cancelled with the payment provider, so the account was kept. Try again later.'), 502);
      }
      await rememberChildEmail(db, target.email, deps.now());
      await eraseSupportAddress(db, requestIds, target.email, deps.now());
      await writeAudit(db, { admin: by, action: 'close_child_account', target: target.id }, deps.now());
      return c.body(null, 204);
    })
    .get('/support', queryParams(statusQuerySchema), async (c) => {
      const rows = await listSupportInbox(db, c.req.valid('query').status);
      return c.json({ requests: rows.map((row) => ({ ...toSupportView(row), email: row.email, userId: row.userId })) }, 200);
    })
    .get('/support/:id', async (c) => {
      const row = await getSupportRequest(db, c.req.param('id'));
      if (!row) throw notFound('request');
      return c.json({ request: { ...toSupportView(row), email: row.email, userId: row.userId } }, 200);
    })
    .post('/support/:id/answer', jsonBody(supportAnswerSchema), async (c) => {
      const by = admin(c);
      const row = await answerSupportRequest(db, c.req.param('id'), c.req.valid('json').answer, by.id, deps.now());
      if (!row) throw notFound('request');
      // An empty address was erased with a child's account: the answer is kept, with nowhere to mail it.
      if (row.email) deps.mailer.send(supportAnsweredMail(row.email, row.reference, row.answer!, `${appOrigin(config, c.req.url)}/contact`));
      await writeAudit(db, { admin: by, action: 'answer_support', target: row.id, detail: { reference: row.reference } }, deps.now());
      return c.json({ request: { ...toSupportView(row), email: row.email, userId: row.userId } }, 200);
    })
    .post('/support/:id/close', async (c) => {
      const row = await closeSupportRequest(db, c.req.param('id'), deps.now());
      if (!row) throw notFound('request');
      await writeAudit(db, { admin: admin(c), action: 'close_support', target: row.id, detail: { reference: row.reference } }, deps.now());
      return c.json({ request: { ...toSupportView(row), email: row.email, userId: row.userId } }, 200);
    })
    .get('/visits', queryParams(visitsQuerySchema), async (c) => c.json({ days: await dailyVisits(db, c.req.valid('query').days ?? 90, deps.now()) }, 200))
    .get('/audit', queryParams(ledgerQuerySchema), async (c) => {
      const { cursor, limit = 50 } = c.req.valid('query');
      return c.json(await listAudit(db, { before: cursor, limit }), 200);
    });
}
