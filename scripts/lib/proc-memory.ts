/**
 * Resident memory of processes, read from Linux's /proc, for the benchmark's peak-memory
 * figures: VmRSS now, VmHWM (the peak since the last reset), and the Chromium renderers the
 * bench launched itself (proc-tree.ts), no one else's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chromiumKindOf, descendants } from './proc-tree.ts';

function statusField(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // the process has exited, or this is not Linux
  }
}

/** The process's resident set now, in KiB. */
export function rssKiB(pid: number | 'self'): number | undefined {
  return statusField(pid, 'VmRSS');
}

/** The process's peak resident set since it started or since `resetPeak`, in KiB. */
export function peakRssKiB(pid: number | 'self'): number | undefined {
  return statusField(pid, 'VmHWM');
}

/** Resets VmHWM to the current RSS (Linux 4.0+, `echo 5 > clear_refs`); false when refused. */
export function resetPeak(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The Chromium renderers started by this process (through Playwright), not anyone else's. */
export function ownRenderers(): number[] {
  return descendants(process.pid).filter((pid) => chromiumKindOf(pid) === 'renderer');
}

/** Sum of VmRSS over `pids`, in KiB. */
export function sumRssKiB(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (rssKiB(pid) ?? 0), 0);
}

/**
 * Samples the summed RSS of a changing set of processes every `intervalMs` on this
 * thread's event loop (the bench's own thread is idle while the browser works), keeping
 * the peak. The process list is re-read every second.
 */
export class RssSampler {
  #timer?: NodeJS.Timeout;
  #pids: number[] = [];
  #pidsAt = 0;
  peakKiB = 0;
  samples = 0;

  constructor(
    private readonly pids: () => number[],
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    const tick = () => {
      const now = Date.now();
      if (now - this.#pidsAt > 1000) (this.#pids = this.pids()), (this.#pidsAt = now);
      const kib = sumRssKiB(this.#pids);
      if (kib > this.peakKiB) this.peakKiB = kib;
      this.samples++;
    };
    tick();
    this.#timer = setInterval(tick, this.intervalMs);
  }

  stop(): { peakKiB: number; samples: number } {
    clearInterval(this.#timer);
    return { peakKiB: this.peakKiB, samples: this.samples };
  }
}
