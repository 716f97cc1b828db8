/** Where things are on disk, for the scripts and tests that run in Node. */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const rootDir = fileURLToPath(new URL('../..', import.meta.url));
export const modelsDir = join(rootDir, 'models');
/** The built PWA: ./dist, or DIST_DIR (a build elsewhere, as the server itself honours). */
export const distDir = process.env.DIST_DIR ? resolve(process.env.DIST_DIR) : join(rootDir, 'dist');
export const fixturesDir = join(rootDir, 'tests', 'fixtures');
/** Photos and true masks that may be read but never copied into the project. */
export const sharedTestdata = join(rootDir, '..', 'shared', 'testdata');
