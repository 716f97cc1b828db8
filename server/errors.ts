/** The API's error shape and the one place errors become responses. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable machine-readable error codes; the PWA maps each to a human message. */
export type ErrorCode =
  | 'bad_request'
  | 'malformed_json'
  | 'invalid'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'wrong_password'
  | 'suspended'
  | 'forbidden'
  | 'csrf'
  | 'not_found'
  | 'method_not_allowed'
  | 'email_taken'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unreadable_image'
  | 'image_too_large'
  | 'rate_limited'
  | 'insufficient_credits'
  | 'invalid_api_key'
  | 'api_key_scope'
  | 'too_many_keys'
  | 'membership_active'
  | 'no_membership'
  | 'bad_signature'
  | 'payment_provider'
  | 'email_unverified'
  | 'already_verified'
  | 'invalid_token'
  | 'last_sign_in_method'
  | 'password_exists'
  | 'confirmation_mismatch'
  | 'policy_acceptance_required'
  | 'guardian_consent_required'
  | 'admin_only'
  | 'internal';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Builds `{ error: { code, message } }`. */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** An expected failure thrown from middleware or helpers; onError turns it into JSON. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const codeForStatus: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'rate_limited',
};

/** app.onError: known errors keep their status and code; anything else is a 500 without details. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = codeForStatus[status] ?? (status >= 500 ? 'internal' : 'bad_request');
    const message = status === 413 ? 'The request body is too large.' : err.message || 'Request refused.';
    return c.json(errorBody(code, message), status);
  }
  // Unexpected: log it for the operator, tell the client nothing about internals.
  console.error(`[clearcut] ${c.req.method} ${c.req.path} failed:`, err);
  return c.json(errorBody('internal', 'Something went wrong on the server.'), 500);
}

/** app.notFound: JSON under /api, plain text elsewhere. */
export function handleNotFound(c: Context): Response {
  if (c.req.path === '/api' || c.req.path.startsWith('/api/')) {
    return c.json(errorBody('not_found', 'No such endpoint.'), 404);
  }
  return c.text('Not found', 404);
}
