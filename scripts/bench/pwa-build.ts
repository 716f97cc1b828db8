/** Builds the PWA the Chromium runs serve. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rootDir } from '../lib/paths.ts';
import { log } from './samples.ts';

/** Builds the working tree's PWA into `outDir` (a temporary folder, so a concurrent `vite build` into dist/ cannot pull files from under the page). */
export function buildPwa(outDir: string, env: Record<string, string> = {}): void {
  log(`building the PWA into ${outDir}${Object.keys(env).length ? ` with ${JSON.stringify(env)}` : ''}`);
  const vite = join(rootDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: rootDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}
