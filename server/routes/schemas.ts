/** The zod schemas of the request bodies, shared by the routes (and importable by the PWA for form hints). */
import { z } from 'zod';
import { passwordLength } from '../../common/password-length.ts';

// Control characters and bidirectional overrides would let a name spoof surrounding text.
const unsafeCharacters = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Lower-cased, trimmed, syntactically valid email of at most 254 characters. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email is too long.')
  .pipe(z.email('Enter a valid email address.'));

/** Display name: any script, at most 64 characters; empty means none. */
export const displayNameSchema = z
  .string()
  .trim()
  .refine((s) => [...s].length <= 64, 'Display name can be at most 64 characters.')
  .refine((s) => !unsafeCharacters.test(s), 'Display name contains characters that are not allowed.')
  .transform((s) => (s === '' ? null : s.normalize('NFC')))
  .nullable();

/** A password as typed (the policy is checked separately, with a specific message). */
export const passwordSchema = z.string().min(1, 'Enter a password.').max(passwordLength.max * 4, 'Password is too long.');

/** The age choice at sign-up: 18 or older, or a parent or guardian consents. */
export const ageConfirmationSchema = z.enum(['adult', 'guardian'], {
  error: 'Choose whether you are 18 or older, or a parent or guardian consents.',
});

/** Sign-up accepts the current terms and privacy policy; there is no account without it. */
export const acceptPoliciesSchema = z.literal(true, {
  error: 'Accept the terms of service and the privacy policy to create an account.',
});

export const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema.optional(),
  ageConfirmation: ageConfirmationSchema,
  acceptPolicies: acceptPoliciesSchema,
});

/** GET /api/auth/oidc/start from the sign-up page: the same two answers, as query parameters. */
export const oidcStartQuerySchema = z.object({
  age: ageConfirmationSchema.optional(),
  accept: z.literal('policies').optional(),
});

/** POST /api/me/policies: the versions the notice showed (a newer one since must be shown first). */
export const policyAcknowledgeSchema = z.object({
  terms: z.number().int().positive(),
  privacy: z.number().int().positive(),
});

export const loginSchema = z.object({ email: emailSchema, password: passwordSchema });

export const profilePatchSchema = z.object({
  displayName: displayNameSchema.optional(),
  email: emailSchema.optional(),
  marketingConsent: z.boolean().optional(),
});

export const passwordChangeSchema = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema });

/** DELETE /api/me: the password, or for an account without one, its email address typed again. */
export const accountDeletionSchema = z.object({ password: passwordSchema.optional(), email: emailSchema.optional() });

/** PUT /api/me/password: a first password for an account that signs in only through a provider. */
export const passwordAddSchema = z.object({ newPassword: passwordSchema });

/** DELETE /api/me/password: the current password, once more. */
export const passwordRemoveSchema = z.object({ currentPassword: passwordSchema });

/** A client-chosen idempotency key: 8 to 128 URL-safe characters (a UUID fits). */
export const idempotencyKeySchema = z
  .string()
  .min(8, 'idempotencyKey must be at least 8 characters.')
  .max(128, 'idempotencyKey can be at most 128 characters.')
  .regex(/^[A-Za-z0-9._:-]+$/, 'idempotencyKey may contain only letters, digits and . _ : -');

/** A pixel dimension of an export (the decoders refuse anything larger long before this). */
const dimensionSchema = z.number().int('Dimensions are whole pixels.').min(1).max(100_000);

/** POST /api/credits/spend. */
export const spendSchema = z.object({ idempotencyKey: idempotencyKeySchema, width: dimensionSchema, height: dimensionSchema });

/** GET /api/credits/ledger's query: both optional, numbers as strings. */
export const ledgerQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'cursor must be the nextCursor of the previous page.')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'limit must be a whole number from 1 to 100.')
    .transform(Number)
    .pipe(z.number().min(1, 'limit must be at least 1.').max(100, 'limit can be at most 100.'))
    .optional(),
});

/** POST /api/billing/orders: a product id (checked against the configured products). */
export const orderSchema = z.object({ product: z.string().min(1).max(64) });

/** POST /api/me/api-keys: a name to tell keys apart. */
export const apiKeyCreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the key a name.')
    .refine((s) => [...s].length <= 64, 'Key names can be at most 64 characters.')
    .refine((s) => !unsafeCharacters.test(s), 'The name contains characters that are not allowed.'),
});

/** A token from a link in a mail (checked for shape and validity by the handler). */
const mailTokenSchema = z.string().min(1, 'The link is incomplete.').max(200, 'The link is not valid.');

/** POST /api/auth/verify-email. */
export const verifyEmailSchema = z.object({ token: mailTokenSchema });

/** POST /api/auth/password-reset: the address to send a link to (if it has an account). */
export const passwordResetRequestSchema = z.object({ email: emailSchema });

/** POST /api/auth/password-reset/confirm: the link's token and the new password. */
export const passwordResetConfirmSchema = z.object({ token: mailTokenSchema, password: passwordSchema });

/** The longest message a support request may carry, in characters. */
export const supportMessageMaxLength = 5000;

/** POST /api/support/requests: what it is about, the message, and (without an account) where to answer. */
export const supportRequestSchema = z.object({
  kind: z.enum(
    ['question', 'billing', 'complaint', 'privacy_access', 'privacy_correction', 'privacy_deletion', 'privacy_restriction', 'privacy_objection'],
    { error: 'kind: Choose what the request is about.' },
  ),
  message: z
    .string()
    .trim()
    .min(1, 'Write a message.')
    .refine((s) => [...s].length <= supportMessageMaxLength, `Messages can be at most ${supportMessageMaxLength.toLocaleString('en')} characters.`),
  email: emailSchema.optional(),
});

/** POST /api/admin/support/:id/answer. */
export const supportAnswerSchema = z.object({
  answer: z
    .string()
    .trim()
    .min(1, 'Write an answer.')
    .refine((s) => [...s].length <= supportMessageMaxLength, `Answers can be at most ${supportMessageMaxLength.toLocaleString('en')} characters.`),
});

/** POST /api/admin/users/:id/credits: a grant (positive) or deduction (negative) with its reason. */
export const creditAdjustSchema = z.object({
  delta: z.number().int('Credits are whole numbers.').refine((n) => n !== 0, 'The number of credits cannot be 0.').refine((n) => Math.abs(n) <= 1_000_000, 'At most a million credits at once.'),
  reason: z.string().trim().min(1, 'Give a reason; it is kept in the ledger.').max(200, 'Reasons can be at most 200 characters.'),
});

/** GET /api/admin/users?q= : part of an email address, or an account id. */
export const userSearchSchema = z.object({ q: z.string().trim().max(254).optional() });

/** GET /api/admin/visits?days= */
export const visitsQuerySchema = z.object({
  days: z
    .string()
    .regex(/^\d{1,4}$/, 'days must be a whole number from 1 to 3660.')
    .transform(Number)
    .pipe(z.number().min(1).max(3660))
    .optional(),
});
