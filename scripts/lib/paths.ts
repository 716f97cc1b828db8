/** Where things are on disk, for the scripts and tests that run in Node. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const rootDir = fileURLToPath(new URL('../..', import.meta.url));
export const modelsDir = join(rootDir, 'models');
export const distDir = join(rootDir, 'dist');
export const fixturesDir = join(rootDir, 'tests', 'fixtures');
/** Photos and true masks that may be read but never copied into the project. */
export const sharedTestdata = join(rootDir, '..', 'shared', 'testdata');
