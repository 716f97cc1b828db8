/** Avatars as files under DATA_DIR/avatars, one `<key>.webp` each: the single-machine store. */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecureRandomString } from '../lib/secrets.ts';
import { avatarKeyPattern, type AvatarStore } from './store.ts';

/** The folder holding the avatar files. */
export function avatarDir(dataDir: string): string {
  return join(dataDir, 'avatars');
}

/** The avatar store over DATA_DIR's folder. */
export function avatarFolder(dataDir: string): AvatarStore {
  const pathOf = (key: string) => join(avatarDir(dataDir), `${key}.webp`);
  return {
    async save(webp) {
      await mkdir(avatarDir(dataDir), { recursive: true });
      const key = generateSecureRandomString();
      // Written aside and renamed: a reader never sees half a file.
      await writeFile(`${pathOf(key)}.tmp`, webp);
      await rename(`${pathOf(key)}.tmp`, pathOf(key));
      return key;
    },
    async read(key) {
      if (!avatarKeyPattern.test(key)) return null;
      try {
        return await readFile(pathOf(key));
      } catch {
        return null;
      }
    },
    async remove(key) {
      if (key && avatarKeyPattern.test(key)) await rm(pathOf(key), { force: true });
    },
  };
}
