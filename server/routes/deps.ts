/** What the route factories receive from createApp. */
import type { RateLimiters } from '../auth/rate-limit.ts';
import type { SessionOptions } from '../auth/session.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';

/** Shared by every sub-app of one app instance. */
export interface RouteDeps {
  config: Config;
  db: Db;
  now: () => Date;
  limiters: RateLimiters;
  sessionOptions: SessionOptions;
}
