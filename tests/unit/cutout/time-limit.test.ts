import { describe, expect, it } from 'vitest';
import { TimeLimitError, withinTime } from '../../../web/src/cutout/time-limit.ts';

describe('a time limit on browser calls that can stall', () => {
  it('settles like the call when it answers in time, value or error', async () => {
    await expect(withinTime(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
    await expect(withinTime(Promise.reject(new Error('refused')), 1000, 'x')).rejects.toThrow('refused');
  });

  it('rejects with a TimeLimitError naming the call when it never answers', async () => {
    const never = new Promise<number>(() => {});
    const outcome = withinTime(never, 20, 'the thread probe');
    await expect(outcome).rejects.toBeInstanceOf(TimeLimitError);
    await expect(outcome).rejects.toThrow('the thread probe took over 0.02 s');
  });
});
