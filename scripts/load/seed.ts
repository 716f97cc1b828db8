/**
 * Seeds a fresh data directory for `npm run load` through the server's own functions: many
 * accounts (one password hash, computed once, shared by all: the hashing cost is measured at
 * sign-in, not here), each with its welcome credits, one account rich enough to spend for the
 * whole run, and an API key.
 */
import { createApiKey } from '../../server/auth/api-key.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { createUser, markEmailVerified } from '../../server/auth/user.ts';
import { grant, grantSignupCredits, inTransaction } from '../../server/credits/ledger.ts';
import { closeDb, openDatabase, type DatabaseTarget } from '../../server/db/client.ts';
import { recordAcceptances } from '../../server/policies/acceptances.ts';
import { loadPolicies } from '../../server/policies/documents.ts';

/** The password of every seeded account. */
export const seedPassword = 'load test password, not a real one';

/** What the scenarios need from the seeded database. */
export interface Seeded {
  emails: string[];
  /** The account that spends (a million credits) and owns the API key. */
  spender: string;
  apiKey: string;
}

/** Creates `accounts` accounts in the database (SQLite file or PostgreSQL), hashing with the server's scrypt cost. */
export async function seed(target: DatabaseTarget, accounts: number, scryptLogN: number): Promise<Seeded> {
  const db = await openDatabase(target);
  try {
    const passwordHash = await hashPassword(seedPassword, scryptLogN);
    const now = new Date();
    const emails = Array.from({ length: accounts }, (_, i) => `load-${i}@example.com`);
    const policies = loadPolicies();
    const ids = await inTransaction(db, async (tx) => {
      const made: string[] = [];
      for (const email of emails) {
        // As a sign-up makes them: the age choice and the current terms accepted (paid spends wait for them).
        const user = (await createUser(tx, { email, passwordHash, displayName: `Load ${email}`, ageConfirmation: 'adult' }, now))!;
        await recordAcceptances(tx, user.id, policies, 'signup', now);
        await grantSignupCredits(tx, user.id, 3, now);
        await markEmailVerified(tx, user.id, email, now);
        made.push(user.id);
      }
      return made;
    });
    await grant(db, { userId: ids[0]!, amount: 1_000_000, kind: 'adjust', reference: 'load test', idempotencyKey: 'load-test', now });
    const { key } = (await createApiKey(db, ids[0]!, 'load test', now))!;
    return { emails, spender: emails[0]!, apiKey: key };
  } finally {
    await closeDb(db);
  }
}
