/**
 * What the CLI prints while it works. One line per photo and a summary on stdout, always
 * plain text; on a terminal, a progress bar with the count and the time left is kept as
 * the last line of stderr (redrawn with \r, cleared before any other line is printed).
 */

/** Seconds as `8.1 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The progress line for `done` of `total` after `elapsedMs`, fitted to `columns`. */
export function progressLine(done: number, total: number, elapsedMs: number, current: string, columns = 80): string {
  const left = done === 0 ? 'time left: estimating' : done === total ? 'done' : `about ${formatDuration(((total - done) * elapsedMs) / done)} left`;
  const width = 20;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const head = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${left}`;
  const line = current ? `${head}  ${current}` : head;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 2)) + '…' : line;
}

export interface Reporter {
  /** A photo started (the bar names the latest). */
  start(label: string): void;
  /** A finished photo's line (`ok …`, `failed …`, `skipped …`). */
  line(text: string): void;
  /** A notice about the run as a whole, on stderr. */
  notice(text: string): void;
  /** Counts one photo as finished. */
  advance(): void;
  /** Removes the bar. */
  end(): void;
}

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A reporter writing lines to `out` and notices (and the bar, when `err` is a terminal) to `err`. */
export function createReporter(total: number, out: Stream, err: Stream, now: () => number = Date.now): Reporter {
  const bar = Boolean(err.isTTY);
  const started = now();
  let done = 0;
  let current = '';
  let shown = false;
  const clear = () => {
    if (shown) err.write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (!bar) return;
    err.write(`\r\x1b[2K${progressLine(done, total, now() - started, current, err.columns || 80)}`);
    shown = true;
  };
  // Keep the time left moving between photos.
  const timer = bar ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  return {
    start(label) {
      current = label;
      draw();
    },
    line(text) {
      clear();
      out.write(`${text}\n`);
      draw();
    },
    notice(text) {
      clear();
      err.write(`clearcut: ${text}\n`);
      draw();
    },
    advance() {
      done++;
      draw();
    },
    end() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
