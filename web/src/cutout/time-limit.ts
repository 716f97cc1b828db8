/**
 * A time limit for browser calls that can stall without failing (a storage request, a
 * capability probe): the engine must start whatever they do, so the caller gets an error it
 * can fall back from instead of a promise that never settles.
 */
export class TimeLimitError extends Error {
  override name = 'TimeLimitError';
}

/** Settles like `promise`, or rejects with a TimeLimitError once `ms` have passed. */
export function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitError(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
