/**
 * Processing history, only by consent: off by default; when on, finished cutouts and
 * their thumbnails are kept in this browser's IndexedDB (idb-keyval) and nowhere else.
 */
import { clear, createStore, del, entries, set, type UseStore } from 'idb-keyval';

export interface HistoryEntry {
  id: string;
  name: string;
  createdAt: number;
  width: number;
  height: number;
  cutout: Blob;
  thumbnail: Blob;
}

const SETTING = 'clearcut.history';
export const HISTORY_DB = 'clearcut-history';

/** Bytes kept by the entries (the blobs; IndexedDB's own overhead is small beside them). */
export const entriesSize = (list: readonly HistoryEntry[]) => list.reduce((sum, e) => sum + e.cutout.size + e.thumbnail.size, 0);

/** The size of a cutout and a small WebP (PNG where WebP encoding is missing) preview of it. */
async function thumbnailOf(blob: Blob, side = 192): Promise<{ width: number; height: number; thumbnail: Blob }> {
  const bitmap = await createImageBitmap(blob);
  const { width, height } = bitmap;
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  return { width, height, thumbnail: webp.type === 'image/webp' ? webp : await canvas.convertToBlob({ type: 'image/png' }) };
}

export class CutoutHistory {
  enabled = $state(false);
  entries = $state.raw<HistoryEntry[]>([]);
  readonly #store: UseStore;

  constructor(storage: Storage | undefined = globalThis.localStorage) {
    this.enabled = storage?.getItem(SETTING) === 'on';
    this.#store = createStore(HISTORY_DB, 'entries');
    this.#storage = storage;
    // Read even when off: cutouts kept before "Turn off, keep them" stay listed, to download
    // or delete. Without consent ever given there is no database, and none is made to look.
    void this.#kept().then((kept) => (kept ? this.refresh() : undefined));
  }
  readonly #storage: Storage | undefined;

  get bytes(): number {
    return entriesSize(this.entries);
  }

  /** Whether the database may hold entries: it exists (or the browser cannot list databases). */
  async #kept(): Promise<boolean> {
    if (this.enabled) return true;
    if (typeof indexedDB === 'undefined') return false;
    if (typeof indexedDB.databases !== 'function') return true;
    return (await indexedDB.databases()).some((d) => d.name === HISTORY_DB);
  }

  /** Reloads the list, newest first. */
  async refresh(): Promise<void> {
    const all = (await entries<string, HistoryEntry>(this.#store)).map(([, e]) => e);
    this.entries = all.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Turns keeping on or off; turning off can erase what is kept. */
  async setEnabled(on: boolean, eraseKept = false): Promise<void> {
    this.enabled = on;
    this.#storage?.setItem(SETTING, on ? 'on' : 'off');
    if (!on && eraseKept) await this.deleteAll();
    await this.refresh();
  }

  /** Keeps a finished cutout, when history is on. */
  async keep(item: { name: string; cutout: Blob }): Promise<void> {
    if (!this.enabled) return;
    const entry: HistoryEntry = {
      ...item,
      ...(await thumbnailOf(item.cutout)),
      id: crypto.randomUUID(),
      createdAt: Date.now(),
    };
    await set(entry.id, entry, this.#store);
    await this.refresh();
  }

  async delete(id: string): Promise<void> {
    await del(id, this.#store);
    await this.refresh();
  }

  async deleteAll(): Promise<void> {
    await clear(this.#store);
    await this.refresh();
  }
}

/** The page's history (named so, not `history`, to leave the browser's `history` alone). */
export const cutoutHistory = new CutoutHistory();
