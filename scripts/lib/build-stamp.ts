/**
 * The build stamp: one hash of everything `vite build` reads from this repository, written
 * to dist/.build-stamp by the build and compared by `npm start`, so an up-to-date build is
 * not made again. (A dot-file: the static server never serves it.)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The folders and files the build reads, relative to the repository root. */
export const buildInputs = [
  'web',
  'common',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'models/manifest.json',
  'server/middleware/security-headers.ts',
  'scripts/lib/build-stamp.ts',
  'scripts/lib/precompress.ts',
];

/** The stamp's file name inside the build's output folder. */
export const stampFile = '.build-stamp';

function listFiles(root: string, path: string, out: string[]): void {
  let info;
  try {
    info = statSync(join(root, path));
  } catch {
    return; // An input that does not exist (yet) changes nothing.
  }
  if (info.isDirectory()) {
    for (const name of readdirSync(join(root, path)).sort()) listFiles(root, join(path, name), out);
  } else if (info.isFile()) {
    out.push(path);
  }
}

/**
 * Hashes the inputs' paths and bytes and the VITE_* variables (they change what is built,
 * e.g. the bench's VITE_ORT_BUILD=default). Content, not times: a checkout or a copy keeps it.
 */
export function sourceStamp(root: string, env: Record<string, string | undefined> = process.env): string {
  const files: string[] = [];
  for (const input of buildInputs) listFiles(root, input, files);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, join(root, file)).split('\\').join('/')).update('\0');
    hash.update(readFileSync(join(root, file))).update('\0');
  }
  const vite = Object.keys(env).filter((k) => k.startsWith('VITE_')).sort();
  for (const key of vite) hash.update(`${key}=${env[key]}\0`);
  return hash.digest('hex');
}

/** The stamp a finished build left in distDir, or null when there is none. */
export function readBuildStamp(distDir: string): string | null {
  try {
    return readFileSync(join(distDir, stampFile), 'utf8').trim();
  } catch {
    return null;
  }
}
