/** Imports the provider's `picture` as the new account's avatar, through the same checks and re-encoding as an upload. */
import { setUserAvatarKey } from './user.ts';
import { avatarMaxBytes, processAvatar } from '../avatars/process.ts';
import type { AvatarStore } from '../avatars/store.ts';
import type { Db } from '../db/client.ts';

/** The whole fetch, redirects included, must finish within this. */
export const pictureTimeoutMs = 5_000;
const maxRedirects = 3;

/**
 * Downloads at most `avatarMaxBytes` from an https URL (http only when `allowHttp`, for a provider
 * on this machine), following a few redirects that stay on allowed schemes; null on any failure.
 */
export async function fetchPicture(url: string, allowHttp: boolean, signal = AbortSignal.timeout(pictureTimeoutMs)): Promise<Buffer | null> {
  const allowed = (u: URL) => u.protocol === 'https:' || (allowHttp && u.protocol === 'http:');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  try {
    for (let hop = 0; hop <= maxRedirects; hop += 1) {
      if (!allowed(target)) return null;
      const res = await fetch(target, { redirect: 'manual', signal, headers: { Accept: 'image/*' } });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        target = new URL(location, target);
        continue;
      }
      if (!res.ok || !res.body) return null;
      if (Number(res.headers.get('content-length') ?? 0) > avatarMaxBytes) {
        await res.body.cancel();
        return null;
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        // A larger picture is not cut short (a truncated image is refused anyway): it is not imported.
        if (size > avatarMaxBytes) return null;
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    }
    return null;
  } catch {
    return null;
  }
}

/** Fetches, checks and stores the picture as the person's avatar; true when it was imported. Never throws. */
export async function importPicture(db: Db, avatars: AvatarStore, userId: string, url: string, allowHttp: boolean): Promise<boolean> {
  try {
    const bytes = await fetchPicture(url, allowHttp);
    if (!bytes) return false;
    const result = await processAvatar(bytes);
    if (!result.ok) return false;
    const key = await avatars.save(result.webp);
    await avatars.remove(await setUserAvatarKey(db, userId, key));
    return true;
  } catch (err) {
    console.error('[clearcut] could not import the provider picture:', err instanceof Error ? err.message : err);
    return false;
  }
}
