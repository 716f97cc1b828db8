/** Avatar files under DATA_DIR/avatars, one `<key>.webp` each. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecureRandomString } from '../lib/secrets.ts';

/** Avatar keys are random, 24 characters of our token alphabet; anything else is not a key. */
export const avatarKeyPattern = /^[a-z2-9]{24}$/;

/** The folder holding the avatar files. */
export function avatarDir(dataDir: string): string {
  return join(dataDir, 'avatars');
}

/** The file for a key (the key must already match avatarKeyPattern). */
export function avatarPath(dataDir: string, key: string): string {
  return join(avatarDir(dataDir), `${key}.webp`);
}

/** Writes a new avatar under a fresh key (atomically, via rename) and returns the key. */
export async function saveAvatar(dataDir: string, webp: Buffer): Promise<string> {
  await mkdir(avatarDir(dataDir), { recursive: true });
  const key = generateSecureRandomString();
  const path = avatarPath(dataDir, key);
  await writeFile(`${path}.tmp`, webp);
  await rename(`${path}.tmp`, path);
  return key;
}

/** Removes an avatar file if it exists. */
export async function removeAvatar(dataDir: string, key: string | null): Promise<void> {
  if (key && avatarKeyPattern.test(key)) await rm(avatarPath(dataDir, key), { force: true });
}
