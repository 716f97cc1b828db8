/**
 * The suite's driver for WebKitGTK (Safari's engine family): webdriverio against Debian's
 * WebKitWebDriver, which starts MiniBrowser on a virtual X display (xvfb-run). WebDriver
 * classic only: no console, no view of the requests, no offline switch (the suite stops
 * the server instead). `sharedArrayBuffer` sets JSC_useSharedArrayBuffer=1, without which
 * WebKitGTK hides SharedArrayBuffer even on a cross-origin isolated page.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';
import { takeDownload, type EngineDriver } from './driver.ts';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** True when WebKitWebDriver, MiniBrowser and xvfb-run are all installed. */
export function webkitInstalled(): boolean {
  return [WEBKIT_DRIVER, MINIBROWSER, '/usr/bin/xvfb-run', '/usr/bin/xauth'].every((p) => existsSync(p));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`WebKitWebDriver did not listen on ${port} within ${timeoutMs} ms`);
}

/** Starts WebKitWebDriver under xvfb-run, opens a MiniBrowser session and returns its driver. */
export async function launchWebKitDriver(options: { sharedArrayBuffer: boolean }): Promise<EngineDriver> {
  const home = mkdtempSync(join(tmpdir(), 'clearcut-webkit-'));
  const config = join(home, '.config');
  const downloads = join(home, 'downloads', 'new');
  mkdirSync(config, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  // MiniBrowser saves downloads silently into the XDG download folder.
  writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: config, XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local'), TMPDIR: home };
  if (options.sharedArrayBuffer) env.JSC_useSharedArrayBuffer = '1';
  else delete env.JSC_useSharedArrayBuffer;
  // Its own process group, so closing ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const driverProcess = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], { env, detached: true, stdio: 'ignore' });
  const stopDriver = () => {
    try {
      if (driverProcess.pid) process.kill(-driverProcess.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await waitForPort(port, 30_000);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        'wdio:enforceWebDriverClassic': true,
      } as WebdriverIO.Capabilities,
    });
    return {
      name: options.sharedArrayBuffer ? 'webkit-sab' : 'webkit',
      observesRequests: false,
      emulatesOffline: false,
      async goto(url) {
        await browser.url(url);
      },
      async reload() {
        await browser.refresh();
      },
      evaluate: (fn, arg) => browser.execute(fn as never, arg as never) as never,
      async chooseFiles(selector, paths) {
        await browser.$(selector).addValue(paths.join('\n'));
      },
      async click(selector) {
        await browser.$(selector).click();
      },
      async download(selector) {
        await browser.$(selector).click();
        return takeDownload(downloads);
      },
      requests: () => [],
      async setOffline() {
        throw new Error('WebKitWebDriver has no offline switch: stop the server instead');
      },
      async close() {
        await browser.deleteSession().catch(() => {});
        stopDriver();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    stopDriver();
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}
