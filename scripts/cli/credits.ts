/**
 * Spending credits for full-size results: one request per charged photo to the server's
 * `POST /api/credits/spend`, with an API key, through the typed client the PWA uses too
 * (`hc<AppType>`: the request and the answers' types come from the server's route). No
 * image bytes are ever sent: only the result's width and height and an idempotency key.
 */
import { createHash, createHmac } from 'node:crypto';
import { hc, type InferRequestType } from 'hono/client';
import type { AppType } from '../../server/app.ts';

/** What decides a result's pixels, so the same photo with the same options is the same export. */
export interface ExportIdentity {
  modelId: string;
  format: string;
  background: string;
  width: number;
  height: number;
}

/**
 * The idempotency key for exporting these bytes with these options: an HMAC, keyed with
 * the API key, of the photo's SHA-256 and the options. A rerun of the same photo with the
 * same options and key gets the same key, so the server answers the first spend again
 * instead of charging twice; a changed option is a new export. Keyed with the API key,
 * the key in the server's ledger cannot be matched against a known photo's hash.
 */
export function exportIdempotencyKey(bytes: Uint8Array, identity: ExportIdentity, apiKey: string): string {
  const photo = createHash('sha256').update(bytes).digest('hex');
  const what = ['clearcut-cli-v1', photo, identity.modelId, identity.format, identity.background, `${identity.width}x${identity.height}`].join('\n');
  return `cli-${createHmac('sha256', apiKey).update(what).digest('base64url')}`;
}

/** A spend the server accepted. */
export interface Spent {
  charged: number;
  balance: number;
  replayed: boolean;
}

/** The spend failed; `message` says why in words for the failed line. */
export class SpendError extends Error {
  override name = 'SpendError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's `{ error: { code, message } }` of an answer the route does not type (401, 403, 429, 5xx), or the status line. */
async function errorMessage(res: { status: number; statusText: string; json(): Promise<unknown> }): Promise<{ message: string; code?: string }> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return { message: body.error?.message ?? `HTTP ${res.status}`, code: body.error?.code };
  } catch {
    return { message: `HTTP ${res.status} ${res.statusText}`.trim() };
  }
}

type SpendEndpoint = ReturnType<typeof hc<AppType>>['api']['credits']['spend'];
/** What a spend sends: the export's width and height and its idempotency key. */
export type SpendRequest = InferRequestType<SpendEndpoint['$post']>['json'];

/**
 * Spends for one export. Network failures, 429 and 5xx are retried a few times with the
 * same idempotency key (safe: the server charges a key once); 402 and 401 are final.
 */
export async function spendCredit(
  server: string,
  apiKey: string,
  request: SpendRequest,
  options: { fetch?: typeof fetch; attempts?: number; signal?: AbortSignal } = {},
): Promise<Spent> {
  const attempts = options.attempts ?? 4;
  const spend = hc<AppType>(server, { fetch: options.fetch, headers: { authorization: `Bearer ${apiKey}` } }).api.credits.spend;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res;
    try {
      res = await spend.$post({ json: request }, { init: { signal: options.signal } });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      lastProblem = `could not reach the credits server ${server} (${cause})`;
      if (attempt < attempts) await sleep(500 * 2 ** (attempt - 1));
      continue;
    }
    if (res.status === 200) {
      const body = await res.json();
      return { charged: body.charged, balance: body.balance, replayed: res.headers.get('idempotent-replayed') === 'true' };
    }
    if (res.status === 402) {
      const { balance } = await res.json();
      throw new SpendError(`not enough credits for full size (balance ${balance}); buy more on your account page, or use --size standard (free)`);
    }
    // 401, 403, 429 and 5xx come from the key guard, the rate limit and onError, which the route's types do not list.
    const status: number = res.status;
    const { message, code } = await errorMessage(res);
    if (status === 401) throw new SpendError(`the server refused the API key (${message}); check CLEARCUT_API_KEY`);
    if (status === 403) throw new SpendError(`the server refused the request (${code ?? status}: ${message})`);
    lastProblem = `the credits server answered ${status} (${message})`;
    if (status !== 429 && status < 500) break;
    if (attempt < attempts) {
      const retryAfter = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : 500 * 2 ** (attempt - 1));
    }
  }
  throw new SpendError(lastProblem);
}
