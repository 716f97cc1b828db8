/** Completes a pending provider link when the same browser signs in to that account with its password. */
import type { Context } from 'hono';
import { servesHttps, type Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { User } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import type { RelyingParty } from './oidc-client.ts';
import { clearLinkCookie, readLinkCookie } from './oidc-cookies.ts';
import { consumePendingLink, linkIdentity } from './oidc-store.ts';

/**
 * After a successful password sign-in: if this browser holds a pending link to this very account,
 * the provider identity is linked now. Any pending link is used up either way (one try).
 * Returns the provider's display name when something was linked.
 */
export async function completePendingLink(c: Context<AppEnv>, deps: { db: Db; config: Config; now: () => Date; oidc: RelyingParty | null }, user: User): Promise<string | null> {
  const secret = readLinkCookie(c);
  if (!secret) return null;
  clearLinkCookie(c, servesHttps(deps.config, c.req.url));
  const now = deps.now();
  const link = await consumePendingLink(deps.db, secret, now);
  if (!link || link.userId !== user.id) return null;
  const linked = await linkIdentity(deps.db, user.id, { issuer: link.issuer, subject: link.subject, email: link.email }, now);
  return linked === 'taken' ? null : (deps.oidc?.name ?? 'your provider');
}
