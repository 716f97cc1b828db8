/**
 * Request bodies refused before they were read (413, 401, 403, 404…). Over a keep-alive
 * connection the rest of such a body is still on the wire: until it is read, the next
 * request on that connection cannot be. @hono/node-server 2.1.9 means to drain it after the
 * answer, but once anything has touched `c.req.raw.body` (hono's bodyLimit does, to see
 * whether there is a body) the stream adapter keeps the socket paused, and the adapter's
 * 500 ms drain timer then destroys the socket under the next request (issue #17).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

/** The most of an unread body that is read and dropped to keep the connection; past it the connection closes. */
export const discardMaxBytes = 256 * 1024;

/** Reads and drops the rest of a body; true when it ended within `maxBytes`. */
async function discard(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<boolean> {
  const reader = body.getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      read += value.byteLength;
      if (read > maxBytes) return false;
    }
  } catch {
    return false;
  } finally {
    reader.releaseLock();
  }
}

/**
 * After the answer is ready: a body nobody read is read to its end and dropped when it is small
 * enough (the connection stays usable); a larger one, or one that cannot be read any more (a
 * limit stopped half-way), gets `Connection: close`, so the client opens a new connection for
 * its next request instead of finding this one closed under it.
 */
export function finishUnreadBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const incoming = c.env?.incoming;
    // No socket (app.request() in tests), no body, or a body read to its end: nothing to do.
    if (!incoming || incoming.readableEnded || c.req.method === 'GET' || c.req.method === 'HEAD') return;
    const declared = Number(c.req.header('content-length') ?? NaN);
    const body = c.req.raw.body;
    // A chunked body (no Content-Length) is read up to the same bound.
    const small = Number.isNaN(declared) || declared <= discardMaxBytes;
    const kept = small && body !== null && !body.locked && (await discard(body, discardMaxBytes));
    if (!kept) c.res.headers.set('Connection', 'close');
  };
}
