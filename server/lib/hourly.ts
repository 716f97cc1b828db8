/** The one timer behind the hourly jobs (purges, membership renewals). */

const hourMs = 3_600_000;

/** A function that stops the hourly timer; `latestRun()` settles when the latest run has finished. */
export type StopHourly = (() => void) & { latestRun: () => Promise<void> };

/** Runs `job` now and then every hour; a failure is logged, never thrown. Returns a function that stops the timer. */
export function runHourly(name: string, job: () => Promise<unknown>): StopHourly {
  let latest: Promise<void> = Promise.resolve();
  const run = (): void => {
    latest = job().then(
      () => undefined,
      (err: unknown) => console.error(`[clearcut] ${name} failed:`, err),
    );
  };
  run();
  const timer = setInterval(run, hourMs);
  // An hourly job must never be what keeps the process alive.
  timer.unref();
  return Object.assign(() => clearInterval(timer), { latestRun: () => latest });
}
