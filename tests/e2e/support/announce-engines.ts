/**
 * vitest globalSetup of the e2e project: names, before anything runs, the browser engines
 * the cross-engine suite will skip on this machine because they are not installed.
 */
import { skippedEnginesNotice } from './engines.ts';

export default function announceEngines(): void {
  const notice = skippedEnginesNotice();
  if (notice) console.warn(`\n*** ${notice} ***\n`);
}
