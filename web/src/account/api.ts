/**
 * The typed client for the server's JSON API: Hono's `hc<AppType>`. Only the server's
 * TYPE is imported, so no server code reaches the bundle. Same-origin requests carry the
 * session cookie and the Origin header the server's CSRF check wants, by themselves.
 */
import { hc, type ClientResponse, type InferResponseType } from 'hono/client';
import type { AppType } from '../../../server/app.ts';

/** `api.auth.login.$post(...)`, `api.me.$get()`, ... : the routes under /api. (An absolute base, so `$url()` works.) */
export const api = hc<AppType>(globalThis.location?.origin ?? 'http://localhost').api;

/** The signed-in person's profile, as `GET /api/me` answers it. */
export type Profile = InferResponseType<typeof api.me.$get, 200>;
/** One row of "your devices". */
export type DeviceSession = InferResponseType<typeof api.me.sessions.$get, 200>[number];
/** One row of the person's own access log. */
export type AccessLogRow = InferResponseType<(typeof api.me)['access-log']['$get'], 200>[number];
/** What the privacy page states, from the server's own configuration. */
export type PrivacyFacts = InferResponseType<typeof api.privacy.$get, 200>;

/** A failed call: the server's stable `code` and its human `message` (or ours when it gave none). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The outcome of a call: expected failures are values, not exceptions. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

const fallbackMessages: Record<number, string> = {
  401: 'You are not signed in.',
  413: 'That is too large.',
  429: 'Too many attempts. Try again later.',
};

/** Reads `{ error: { code, message } }` from a failed response, or explains the status plainly. */
export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') return new ApiError(res.status, code, message);
  } catch {
    // Not JSON: a proxy's error page, or the app shell where the API should be.
  }
  const message = fallbackMessages[res.status] ?? `The server answered ${res.status}. Please try again.`;
  return new ApiError(res.status, 'http_' + res.status, message);
}

/** What a response's success branches carry: JSON for JSON, nothing for 204. */
type SuccessData<R> =
  R extends ClientResponse<infer T, infer S, infer F> ? (S extends 200 | 201 ? (F extends 'json' ? T : never) : S extends 204 ? null : never) : never;

/**
 * Awaits an `api.*` call: the success body (null for 204) or the server's error. A network
 * failure (offline, server down) becomes an error too, with code `network`.
 */
export async function call<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<Result<SuccessData<R>>> {
  let res: R;
  try {
    res = await request;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return { ok: false, error: new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.') };
  }
  if (!res.ok) return { ok: false, error: await errorOf(res as unknown as Response) };
  if (res.status === 204) return { ok: true, data: null as SuccessData<R> };
  return { ok: true, data: (await (res as unknown as Response).json()) as SuccessData<R> };
}
