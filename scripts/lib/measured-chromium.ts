/**
 * Chromium launched for measuring: the browser and its main process, found in /proc, so the
 * bench reads the CPU of every process of this browser and of no other (proc-cpu.ts).
 */
import { launchChromium, type LaunchedBrowser, type LaunchOptions } from './chromium.ts';
import { childrenOf, chromiumKindOf } from './proc-tree.ts';

export interface MeasuredBrowser extends LaunchedBrowser {
  /** The browser's main process: every process of this browser descends from it. Undefined when not found (not Linux). */
  root?: number;
}

/**
 * The main process of a browser launched since `known` (the children this process had
 * before the launch) was read: its one new child with no --type; undefined when not found.
 */
function newBrowserRoot(known: ReadonlySet<number>): number | undefined {
  const found = childrenOf(process.pid).filter((pid) => !known.has(pid) && chromiumKindOf(pid) === 'browser');
  return found.length === 1 ? found[0] : undefined;
}

/**
 * launchChromium, and the new browser's main process: the one child of this process that
 * appeared over the launch. Launches must not overlap (two new children would leave neither).
 */
export async function launchMeasured(options: LaunchOptions = {}): Promise<MeasuredBrowser> {
  const known = new Set(childrenOf(process.pid));
  const chromium = await launchChromium(options);
  return { ...chromium, root: newBrowserRoot(known) };
}
