/** Contact and support requests: stored with a reference, listed for their sender, answered and closed by admins. */
import { and, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { supportRequests } from '../db/schema.ts';
import { generateSecureRandomString } from '../lib/secrets.ts';

/** What a request is about. */
export const supportKinds = [
  'question',
  'billing',
  'complaint',
  'privacy_access',
  'privacy_correction',
  'privacy_deletion',
  'privacy_restriction',
  'privacy_objection',
] as const;
export type SupportKind = (typeof supportKinds)[number];

/** How each kind reads in mails and on pages. */
export const supportKindLabels: Record<SupportKind, string> = {
  question: 'Question',
  billing: 'Billing',
  complaint: 'Complaint',
  privacy_access: 'Privacy request: access to my data',
  privacy_correction: 'Privacy request: correction',
  privacy_deletion: 'Privacy request: deletion',
  privacy_restriction: 'Privacy request: restriction of processing',
  privacy_objection: 'Privacy request: objection to processing',
};

/** Where a request stands. */
export type SupportStatus = 'open' | 'answered' | 'closed';

/** A stored request. */
export type SupportRequestRow = typeof supportRequests.$inferSelect;

/** `REQ-XXXX-XXXX`: easy to read out, 40 random bits (unique in the table). */
function newReference(): string {
  const code = generateSecureRandomString(8).toUpperCase();
  return `REQ-${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Stores a new request (status open). */
export async function createSupportRequest(
  db: Db,
  input: { userId: string | null; email: string; kind: SupportKind; message: string },
  now: Date,
): Promise<SupportRequestRow> {
  return await db
    .insert(supportRequests)
    .values({ id: generateSecureRandomString(), reference: newReference(), ...input, status: 'open', createdAt: now, updatedAt: now })
    .returning()
    .get();
}

/** What a sender sees of their own requests (and an admin of any). */
export function toSupportView(row: SupportRequestRow) {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind,
    message: row.message,
    status: row.status,
    answer: row.answer,
    answeredAt: row.answeredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt?.toISOString() ?? null,
  };
}

/** A person's requests, newest first. */
export async function listUserSupportRequests(db: Db, userId: string): Promise<SupportRequestRow[]> {
  return await db.select().from(supportRequests).where(eq(supportRequests.userId, userId)).orderBy(desc(supportRequests.createdAt)).limit(200).all();
}

/** The admins' inbox: requests of one status (or all), newest first. */
export async function listSupportInbox(db: Db, status?: SupportStatus): Promise<SupportRequestRow[]> {
  const where: SQL | undefined = status ? eq(supportRequests.status, status) : undefined;
  return await db.select().from(supportRequests).where(where).orderBy(desc(supportRequests.createdAt)).limit(500).all();
}

/** One request by id. */
export async function getSupportRequest(db: Db, id: string): Promise<SupportRequestRow | undefined> {
  return await db.select().from(supportRequests).where(eq(supportRequests.id, id)).get();
}

/** Records an admin's answer (status answered, also for a closed request); undefined when it does not exist. */
export async function answerSupportRequest(db: Db, id: string, answer: string, adminId: string, now: Date): Promise<SupportRequestRow | undefined> {
  return await db
    .update(supportRequests)
    .set({ answer, answeredBy: adminId, answeredAt: now, status: 'answered', updatedAt: now })
    .where(and(eq(supportRequests.id, id)))
    .returning()
    .get();
}

/** Closes a request; undefined when it does not exist. */
export async function closeSupportRequest(db: Db, id: string, now: Date): Promise<SupportRequestRow | undefined> {
  return await db.update(supportRequests).set({ status: 'closed', updatedAt: now }).where(eq(supportRequests.id, id)).returning().get();
}

/** The ids of a person's requests (taken before their account goes, which unlinks them). */
export async function supportRequestIdsOf(db: Db, userId: string): Promise<string[]> {
  return (await db.select({ id: supportRequests.id }).from(supportRequests).where(eq(supportRequests.userId, userId)).all()).map((row) => row.id);
}

/**
 * Erases the address to answer from these requests and from any other sent from `email` (a child's
 * account closed: its address may survive only as a hash). The requests stay, with nowhere to mail.
 */
export async function eraseSupportAddress(db: Db, requestIds: string[], email: string, now: Date): Promise<void> {
  const sameAddress = sql`lower(${supportRequests.email}) = ${email.toLowerCase()}`;
  await db.update(supportRequests)
    .set({ email: '', updatedAt: now })
    .where(requestIds.length > 0 ? or(inArray(supportRequests.id, requestIds), sameAddress) : sameAddress)
    .run();
}
