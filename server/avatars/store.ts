/**
 * Where avatars live, behind one interface: files in DATA_DIR/avatars on one machine (SQLite), the
 * `avatars` table on PostgreSQL, where several instances must all read what one of them stored
 * (folder-store.ts, table-store.ts; createApp picks one by the database's dialect).
 */
/** Avatar keys are random, 24 characters of our token alphabet; anything else is not a key. */
export const avatarKeyPattern = /^[a-z2-9]{24}$/;

/** Stored avatar pictures (256x256 WebP), each under a random key that changes on every upload. */
export interface AvatarStore {
  /** Stores a new picture under a fresh key and returns the key. */
  save(webp: Buffer): Promise<string>;
  /** The picture stored under a key, or null (unknown or malformed key). */
  read(key: string): Promise<Buffer | null>;
  /** Removes a picture if it is there (null: nothing to remove). */
  remove(key: string | null): Promise<void>;
}
