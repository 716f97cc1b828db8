/** Which versions of the policy and terms a person accepted, and which material changes they still have to. */
import { and, asc, eq, max, sql } from 'drizzle-orm';
import type { PolicyDocumentId } from '../../common/policy-document.ts';
import type { Db } from '../db/client.ts';
import { preparedOnce, preparedQuery } from '../db/prepared.ts';
import { policyAcceptances } from '../db/schema.ts';
import { policyDocumentIds, type PolicySet } from './documents.ts';

/** A document whose material change the person has not accepted yet: what the notice shows. */
export interface PendingPolicy {
  document: PolicyDocumentId;
  title: string;
  version: number;
  effective: string;
  summary: string;
}

/** Records the acceptance of the current version of every document (sign-up, or the notice's "I accept"). */
export async function recordAcceptances(db: Db, userId: string, policies: PolicySet, via: 'signup' | 'notice', now: Date): Promise<void> {
  await db.insert(policyAcceptances)
    .values(policyDocumentIds.map((document) => ({ userId, document, version: policies[document].version, via, acceptedAt: now })))
    .run();
}

/** The documents whose latest material version is newer than anything the person accepted (all of them for accounts that never accepted). */
export async function pendingPolicies(db: Db, userId: string, policies: PolicySet): Promise<PendingPolicy[]> {
  // Every paid spend asks this, so the query is prepared once.
  const accepted = new Map((await acceptedVersions(db).execute({ userId })).map((row) => [row.document, row.version ?? 0]));
  return policyDocumentIds
    .filter((document) => (accepted.get(document) ?? 0) < policies[document].requiredVersion)
    .map((document) => {
      const meta = policies[document];
      return { document, title: meta.title, version: meta.version, effective: meta.effective, summary: meta.noticeSummary };
    });
}

/** The newest version of each document a person accepted. */
const acceptedVersions = preparedOnce((db) =>
  preparedQuery(
    db
      .select({ document: policyAcceptances.document, version: max(policyAcceptances.version) })
      .from(policyAcceptances)
      .where(eq(policyAcceptances.userId, sql.placeholder('userId')))
      .groupBy(policyAcceptances.document),
    'accepted_policy_versions',
  ),
);

/** Every acceptance of a person, oldest first, for the data export. */
export async function listAcceptances(db: Db, userId: string) {
  return (await db
    .select({ document: policyAcceptances.document, version: policyAcceptances.version, via: policyAcceptances.via, acceptedAt: policyAcceptances.acceptedAt })
    .from(policyAcceptances)
    .where(and(eq(policyAcceptances.userId, userId)))
    .orderBy(asc(policyAcceptances.id))
    .all())
    .map((row) => ({ ...row, acceptedAt: row.acceptedAt.toISOString() }));
}
