/**
 * Debian's Chromium driven by playwright-core, for the browser tests and the benchmark.
 * Flags from ../shared/BROWSERS.md: no sandbox (root), no GPU, and no background
 * networking (this machine's network is closed). Caches and downloads go to a temporary
 * HOME so a run leaves nothing behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary to use, or undefined when none is installed. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

export interface LaunchOptions {
  /** Offer a (SwiftShader) WebGPU adapter. */
  webgpu?: boolean;
  /** Further command-line switches (the bench adds one to measure memory at once). */
  args?: string[];
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile and a throwaway HOME. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const home = mkdtempSync(join(tmpdir(), 'clearcut-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader');
  if (options.args) args.push(...options.args);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: home },
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
