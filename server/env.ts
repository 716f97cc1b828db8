/** The Hono environment shared by every sub-app: node bindings and per-request variables. */
import type { IncomingMessage } from 'node:http';
import type { User } from './db/schema.ts';
import type { Session } from './auth/session.ts';

/** Typing for `new Hono<AppEnv>()`. Bindings are optional because tests call `app.request()` without a socket. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    /** The signed-in person, or null. */
    user: User | null;
    session: Session | null;
    /** The address of the signed-in person's pending email change, read with the session (GET /api/me shows it). */
    pendingEmail: string | null;
    /** The client's IP as the access log and rate limits see it. */
    ip: string;
    /** The API key that authenticated this request (Authorization: Bearer), or null. */
    apiKey: { id: string; prefix: string } | null;
  };
}
