/** The mail-backed flows: confirm an address, change it, reset a forgotten password. */
import type { Db } from '../db/client.ts';
import type { User } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { emailChangedNotice, emailChangeMail, passwordResetMail, verifyEmailMail } from '../mail/templates.ts';
import { consumeEmailToken, createEmailToken } from './email-tokens.ts';
import { getUserById, markEmailVerified, replaceEmail } from './user.ts';

/** What the mail flows use: the tokens' table, the mailer, the clock. */
export interface MailFlowDeps {
  db: Db;
  mailer: Mailer;
  now: () => Date;
}

/** Mails a fresh confirmation link for the account's current address. */
export async function sendVerificationMail(deps: MailFlowDeps, user: User, origin: string): Promise<void> {
  const token = await createEmailToken(deps.db, user.id, 'verify', user.email, deps.now());
  deps.mailer.send(verifyEmailMail(user.email, `${origin}/api/auth/verify-email?token=${token}`));
}

/** Mails the new address a link; the account keeps its old address until the link is opened. */
export async function startEmailChange(deps: MailFlowDeps, user: User, newEmail: string, origin: string): Promise<void> {
  const token = await createEmailToken(deps.db, user.id, 'email_change', newEmail, deps.now());
  deps.mailer.send(emailChangeMail(newEmail, `${origin}/api/auth/verify-email?token=${token}`));
}

/** Mails a one-hour, single-use link to set a new password. */
export async function sendPasswordReset(deps: MailFlowDeps, user: User, origin: string): Promise<void> {
  const token = await createEmailToken(deps.db, user.id, 'password_reset', user.email, deps.now());
  deps.mailer.send(passwordResetMail(user.email, `${origin}/reset-password?token=${token}`));
}

/** What opening a confirmation link did. */
export type ConfirmResult = { user: User; changed: boolean } | 'invalid' | 'email_taken';

/**
 * Uses a confirmation link: a `verify` token confirms the address it was sent to (if it is still
 * the account's); an `email_change` token makes its address the account's, confirmed, and tells
 * the old address.
 */
export async function confirmEmailToken(deps: MailFlowDeps, token: string): Promise<ConfirmResult> {
  const now = deps.now();
  const verify = await consumeEmailToken(deps.db, token, 'verify', now);
  if (verify) {
    const user = await getUserById(deps.db, verify.userId);
    if (!user || user.email !== verify.email) return 'invalid';
    return { user: await markEmailVerified(deps.db, user.id, verify.email, now) ?? user, changed: false };
  }
  const change = await consumeEmailToken(deps.db, token, 'email_change', now);
  if (!change) return 'invalid';
  const before = await getUserById(deps.db, change.userId);
  if (!before) return 'invalid';
  if (before.email === change.email) return { user: await markEmailVerified(deps.db, before.id, change.email, now) ?? before, changed: false };
  const after = await replaceEmail(deps.db, before.id, change.email, now);
  if (after === 'email_taken') return 'email_taken';
  deps.mailer.send(emailChangedNotice(before.email, after.email));
  return { user: after, changed: true };
}
