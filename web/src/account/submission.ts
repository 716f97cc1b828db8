/**
 * A form's request in flight: the busy flag and the error message every account and sign-in form
 * used to write out by hand. The form holds `$state(idle())`, a reactive object, so the changes
 * `submit` makes to it re-render the form; this module itself knows nothing of Svelte.
 */
import type { ApiError, Result } from './api.ts';

/** What a form shows about its request. */
export interface Submission {
  /** A request is in flight: the form's button is disabled and says what it is doing. */
  busy: boolean;
  /** What the last request's failure said, shown under the form. */
  error: string | undefined;
}

/** A form with nothing sent yet. */
export const idle = (): Submission => ({ busy: false, error: undefined });

export interface SubmitOptions {
  /** The message to show for a failure (undefined: none, the form shows it elsewhere); the server's own by default. */
  describe?: (error: ApiError) => string | undefined;
  /** Told of every failure: the session's, so an ended session or a policy to accept shows itself. */
  onFailure?: (error: ApiError) => void;
}

/**
 * Sends `request` unless one is in flight (a double click sends once), with `form.busy` set while
 * it runs and the last error cleared. A failure's message goes to `form.error`. Resolves with the
 * result, or undefined when nothing was sent.
 */
export async function submit<T>(form: Submission, request: () => Promise<Result<T>>, options: SubmitOptions = {}): Promise<Result<T> | undefined> {
  if (form.busy) return undefined;
  form.busy = true;
  form.error = undefined;
  let result: Result<T>;
  try {
    result = await request();
  } finally {
    form.busy = false;
  }
  if (!result.ok) {
    form.error = options.describe ? options.describe(result.error) : result.error.message;
    options.onFailure?.(result.error);
  }
  return result;
}
