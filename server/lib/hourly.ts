/** The one timer behind the hourly jobs (purges, membership renewals). */

/** An hour, the jobs' period. */
export const hourMs = 3_600_000;

/** What a tick did: ran the job, left it to the instance holding it this hour, or failed (logged). */
export type HourlyOutcome = 'ran' | 'skipped' | 'failed';

/** A function that stops the hourly timer; `latestRun()` settles with the latest tick's outcome. */
export type StopHourly = (() => void) & { latestRun: () => Promise<HourlyOutcome> };

/**
 * Runs `job` now and then every hour; a failure is logged, never thrown. With `claim`, a tick runs
 * the job only when claim() says this instance holds it this hour (db/leases.ts), and says so in
 * the log either way. Returns a function that stops the timer.
 */
export function runHourly(name: string, job: () => Promise<unknown>, claim?: () => Promise<boolean>): StopHourly {
  let latest: Promise<HourlyOutcome> = Promise.resolve('ran');
  const tick = async (): Promise<HourlyOutcome> => {
    if (claim && !(await claim())) {
      console.log(`clearcut: ${name}: skipped, another instance runs it this hour`);
      return 'skipped';
    }
    await job();
    if (claim) console.log(`clearcut: ${name}: ran on this instance`);
    return 'ran';
  };
  const run = (): void => {
    latest = tick().catch((err: unknown) => {
      console.error(`[clearcut] ${name} failed:`, err);
      return 'failed' as const;
    });
  };
  run();
  const timer = setInterval(run, hourMs);
  // An hourly job must never be what keeps the process alive.
  timer.unref();
  return Object.assign(() => clearInterval(timer), { latestRun: () => latest });
}
