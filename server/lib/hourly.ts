/** The one timer behind the hourly jobs (purges, membership renewals). */

const hourMs = 3_600_000;

/** Runs `job` now and then every hour; a failure is logged, never thrown. Returns a function that stops the timer. */
export function runHourly(name: string, job: () => void): () => void {
  const run = (): void => {
    try {
      job();
    } catch (err) {
      console.error(`[clearcut] ${name} failed:`, err);
    }
  };
  run();
  const timer = setInterval(run, hourMs);
  // An hourly job must never be what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
