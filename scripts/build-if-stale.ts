/**
 * `npm start`'s first step: builds the PWA into dist/ unless the build there was made from
 * exactly these sources (its .build-stamp matches; see scripts/lib/build-stamp.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readBuildStamp, sourceStamp } from './lib/build-stamp.ts';
import { rootDir } from './lib/paths.ts';

const dist = join(rootDir, 'dist');
if (readBuildStamp(dist) === sourceStamp(rootDir)) {
  console.log('clearcut: dist/ was built from these sources; not building again (npm run build forces it)');
} else {
  const vite = join(rootDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: rootDir, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
