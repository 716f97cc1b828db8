/** A form's request: busy while it runs, sent once however often it is submitted, and its failure shown. */
import { describe, expect, it } from 'vitest';
import { ApiError, type Result } from '../../../web/src/account/api.ts';
import { idle, submit } from '../../../web/src/account/submission.ts';

/** A request the test settles by hand. */
function pending<T>() {
  let settle!: (result: Result<T>) => void;
  const promise = new Promise<Result<T>>((resolve) => (settle = resolve));
  return { promise, settle };
}

describe('submit', () => {
  it('is busy while the request runs and returns its result', async () => {
    const form = idle();
    const request = pending<string>();
    const sending = submit(form, () => request.promise);
    expect(form.busy).toBe(true);
    request.settle({ ok: true, data: 'saved' });
    expect(await sending).toEqual({ ok: true, data: 'saved' });
    expect(form).toEqual({ busy: false, error: undefined });
  });

  it('sends once when submitted again while the first runs', async () => {
    const form = idle();
    const request = pending<null>();
    let sent = 0;
    const first = submit(form, () => (sent++, request.promise));
    expect(await submit(form, () => (sent++, request.promise))).toBeUndefined();
    request.settle({ ok: true, data: null });
    await first;
    expect(sent).toBe(1);
  });

  it("shows a failure's message, tells onFailure, and clears it on the next try", async () => {
    const form = idle();
    const told: string[] = [];
    const failure = new ApiError(401, 'unauthenticated', 'You are not signed in.');
    const result = await submit(form, async () => ({ ok: false, error: failure }), { onFailure: (e) => told.push(e.code) });
    expect(result).toEqual({ ok: false, error: failure });
    expect(form).toEqual({ busy: false, error: 'You are not signed in.' });
    expect(told).toEqual(['unauthenticated']);
    const request = pending<null>();
    const next = submit(form, () => request.promise);
    expect(form.error).toBeUndefined();
    request.settle({ ok: true, data: null });
    await next;
  });

  it('shows what describe says instead, or nothing', async () => {
    const form = idle();
    const failure = new ApiError(400, 'invalid_token', 'This link has expired.');
    await submit(form, async () => ({ ok: false, error: failure }), { describe: (e) => `Not saved: ${e.message}` });
    expect(form.error).toBe('Not saved: This link has expired.');
    await submit(form, async () => ({ ok: false, error: failure }), { describe: () => undefined });
    expect(form.error).toBeUndefined();
  });

  it('is not left busy when the request throws', async () => {
    const form = idle();
    await expect(submit(form, async () => Promise.reject(new DOMException('stopped', 'AbortError')))).rejects.toThrow('stopped');
    expect(form.busy).toBe(false);
  });
});
