/**
 * The few things the cross-engine suite asks of a browser, written once per engine
 * (playwright-core for Chromium, puppeteer-core over WebDriver BiDi for Firefox ESR,
 * webdriverio against WebKitWebDriver for WebKitGTK), so each scenario is written once.
 * Everything else a scenario needs it reads from the page with `evaluate`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The engines (and modes) the suite runs in. */
export type EngineName = 'chromium' | 'firefox' | 'webkit' | 'webkit-sab';

/** A request the page made, with its body when the engine lets us read it. */
export interface SeenRequest {
  method: string;
  url: string;
  /** The body's bytes; null when there is none; undefined when there is one the engine does not show. */
  body: Buffer | null | undefined;
}

/** A downloaded file. */
export interface Downloaded {
  name: string;
  bytes: Buffer;
}

export interface EngineDriver {
  readonly name: EngineName;
  /** Whether the engine lets the suite see the page's requests (WebKitWebDriver does not). */
  readonly observesRequests: boolean;
  /** Whether the engine can cut the page off the network (WebKitWebDriver cannot: the suite stops the server). */
  readonly emulatesOffline: boolean;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `fn(arg)` in the page and resolves with its (awaited, JSON) result. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Sets files on the `<input type=file>` at `selector`, as choosing them in the dialog would. */
  chooseFiles(selector: string, paths: string[]): Promise<void>;
  /** A real click (the driver's pointer) on the element at `selector`. */
  click(selector: string): Promise<void>;
  /** Clicks the link or button at `selector` and resolves with the file it saved. */
  download(selector: string): Promise<Downloaded>;
  /** The requests seen so far (empty when the engine does not show them). */
  requests(): SeenRequest[];
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Waits for a file to appear in `dir` (a browser's download folder) and to stop growing,
 * then moves it out so the next download of the same name is not confused with it.
 * Browsers write a partial file first (Firefox `.part`, WebKit `.download`), or a 0-byte one.
 */
export async function takeDownload(dir: string, timeoutMs = 60_000): Promise<Downloaded> {
  const done = join(dir, '..', 'taken');
  mkdirSync(done, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const partial = files.some((f) => /\.(part|download|crdownload)$/.test(f));
    const ready = files.filter((f) => !/\.(part|download|crdownload)$/.test(f));
    if (!partial && ready.length === 1) {
      const path = join(dir, ready[0]);
      const now = `${ready[0]}:${statSync(path).size}`;
      if (statSync(path).size > 0 && now === last) {
        const bytes = readFileSync(path);
        renameSync(path, join(done, `${Date.now()}-${ready[0]}`));
        return { name: ready[0], bytes };
      }
      last = now;
    } else if (ready.length > 1) {
      throw new Error(`more than one download at once in ${dir}: ${ready.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no finished download appeared in ${dir} within ${timeoutMs} ms`);
}
