/** Request bodies under /api: size limits answered 413 before the body is read in full, and JSON parsing. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { avatarMaxBytes } from '../avatars/process.ts';
import { ApiError } from '../errors.ts';
import { stripeWebhookPath } from './csrf.ts';

/** Largest accepted JSON body. */
export const jsonMaxBytes = 16 * 1024;
/** Largest accepted webhook body (Stripe invoices with many lines run to tens of KB). */
export const webhookMaxBytes = 1024 * 1024;
// Multipart framing (boundaries, part headers) on top of the 5 MB file itself.
const multipartOverhead = 64 * 1024;

const jsonType = /^application\/([\w.-]+\+)?json$/i;

/** True for the one route that takes multipart instead of JSON. */
function isAvatarUpload(c: Context): boolean {
  return c.req.method === 'PUT' && c.req.path === '/api/me/avatar';
}

async function parseJson(c: Context): Promise<void> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
  if (type === '') {
    const length = c.req.header('content-length');
    if (length !== undefined && length !== '0') {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
    }
    return;
  }
  if (!jsonType.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
  }
  try {
    // Hono caches the parsed body, so the validator after us reads it without parsing again.
    await c.req.json();
  } catch {
    throw new ApiError(400, 'malformed_json', 'The request body is not valid JSON.');
  }
}

/** For every body-carrying /api request: the right size limit, then (except the avatar upload) JSON parsing. */
export function apiBodies(): MiddlewareHandler {
  const jsonLimit = bodyLimit({
    maxSize: jsonMaxBytes,
    onError: () => {
      throw new ApiError(413, 'too_large', 'JSON bodies can be at most 16 KB.');
    },
  });
  const avatarLimit = bodyLimit({
    maxSize: avatarMaxBytes + multipartOverhead,
    onError: () => {
      throw new ApiError(413, 'too_large', 'Avatars can be at most 5 MB.');
    },
  });
  const webhookLimit = bodyLimit({
    maxSize: webhookMaxBytes,
    onError: () => {
      throw new ApiError(413, 'too_large', 'Webhook bodies can be at most 1 MB.');
    },
  });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    if (isAvatarUpload(c)) return avatarLimit(c, next);
    // The signature covers the exact bytes, so the webhook route reads the raw text itself.
    if (c.req.method === 'POST' && c.req.path === stripeWebhookPath) return webhookLimit(c, next);
    return jsonLimit(c, async () => {
      await parseJson(c);
      await next();
    });
  };
}
