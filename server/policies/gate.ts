/** Paid actions (checkout, full-resolution spends) wait until the current material versions are accepted. */
import type { Db } from '../db/client.ts';
import { ApiError } from '../errors.ts';
import { pendingPolicies } from './acceptances.ts';
import type { PolicySet } from './documents.ts';

/** Throws 403 `policy_acceptance_required` while the person has a material change to accept. */
export async function requirePoliciesAccepted(db: Db, userId: string, policies: PolicySet): Promise<void> {
  const pending = await pendingPolicies(db, userId, policies);
  if (pending.length === 0) return;
  const names = pending.map((p) => `version ${p.version} of the ${p.title.toLowerCase()}`).join(' and ');
  const needs = pending.length > 1 ? 'need' : 'needs';
  throw new ApiError(
    403,
    'policy_acceptance_required',
    `${names[0]!.toUpperCase()}${names.slice(1)} ${needs} your acceptance: read it and accept it on the site before buying or exporting at full resolution.`,
  );
}
