/** Which browser engines this machine has, and how to launch each as an EngineDriver. */
import { existsSync } from 'node:fs';
import { findChromium } from '../../../scripts/lib/chromium.ts';
import { launchChromiumDriver } from './chromium-driver.ts';
import type { EngineDriver, EngineName } from './driver.ts';
import { FIREFOX_PATH, launchFirefoxDriver } from './firefox-driver.ts';
import { launchWebKitDriver, webkitInstalled } from './webkit-driver.ts';

interface Engine {
  /** What the README and the skip notice call it. */
  label: string;
  /** How to install it on Debian, for the skip notice. */
  install: string;
  installed(): boolean;
  launch(): Promise<EngineDriver>;
}

export const ENGINES: Record<EngineName, Engine> = {
  chromium: { label: 'Chromium', install: 'apt-get install chromium', installed: () => !!findChromium(), launch: launchChromiumDriver },
  firefox: { label: 'Firefox ESR', install: 'apt-get install firefox-esr', installed: () => existsSync(FIREFOX_PATH), launch: launchFirefoxDriver },
  webkit: {
    label: 'WebKitGTK',
    install: 'apt-get install webkit2gtk-driver xvfb xauth',
    installed: webkitInstalled,
    launch: () => launchWebKitDriver({ sharedArrayBuffer: false }),
  },
  'webkit-sab': {
    label: 'WebKitGTK with JSC_useSharedArrayBuffer=1',
    install: 'apt-get install webkit2gtk-driver xvfb xauth',
    installed: webkitInstalled,
    launch: () => launchWebKitDriver({ sharedArrayBuffer: true }),
  },
};

/** One line naming the engines that are not installed and so are skipped, or undefined. */
export function skippedEnginesNotice(): string | undefined {
  const missing = (Object.keys(ENGINES) as EngineName[]).filter((n) => !ENGINES[n].installed());
  if (!missing.length) return undefined;
  return `SKIPPED browser engines (not installed): ${missing.map((n) => `${ENGINES[n].label} (${ENGINES[n].install})`).join('; ')}`;
}
