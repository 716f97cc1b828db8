/** Body validation with zod: failures become 422 `{ error: { code: 'invalid', message } }`. */
import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import { z } from 'zod';
import { errorBody } from '../errors.ts';

/** One readable line from a zod error: the first problem and where it is. */
export function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'The request body is invalid.';
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** The validator for a JSON body; use `c.req.valid('json')` in the handler. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return zValidator('json', schema, (result, c: Context) => {
    if (!result.success) return c.json(errorBody('invalid', describeIssues(result.error)), 422);
  });
}

/** The validator for query parameters; use `c.req.valid('query')` in the handler. */
export function queryParams<T extends z.ZodType>(schema: T) {
  return zValidator('query', schema, (result, c: Context) => {
    if (!result.success) return c.json(errorBody('invalid', describeIssues(result.error)), 422);
  });
}
