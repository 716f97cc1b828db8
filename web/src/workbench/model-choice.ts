/** Which model the page uses, whether a level is on this device, and how its size is written: pure, so the unit tests run it as is. */
import { modelsOf, type Manifest, type ModelInfo } from '../cutout/model.ts';

/** The localStorage key that keeps the person's model choice. */
export const MODEL_CHOICE_KEY = 'clearcut.model';

/** The small part of Storage this needs (localStorage, or a stub in tests). */
export type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The model to use: `?model=ID` when ID is in the manifest (the benchmark times each model
 * through the real page this way, without touching the stored choice), else the stored
 * choice when the manifest still lists it, else the manifest's default.
 */
export function initialModelId(manifest: Manifest, search: string, storage?: ChoiceStorage): string {
  const known = (id: string | null | undefined): id is string => !!id && manifest.models.some((m) => m.id === id);
  const asked = new URLSearchParams(search).get('model');
  if (known(asked)) return asked;
  let stored: string | null = null;
  try {
    stored = storage?.getItem(MODEL_CHOICE_KEY) ?? null;
  } catch {
    // Storage can throw (disabled cookies, a sandboxed frame): fall back to the default.
  }
  return known(stored) ? stored : manifest.default;
}

/** Keeps the choice; a storage that refuses (quota, privacy mode) just means it is not kept. */
export function saveModelChoice(id: string, storage?: ChoiceStorage): void {
  try {
    storage?.setItem(MODEL_CHOICE_KEY, id);
  } catch {
    // Not kept: the page still uses the choice until it is closed.
  }
}

/**
 * The levels available offline, in `models`' order: those whose models are all kept in
 * Cache Storage (`cachedIds`). Quality with a second opinion needs Fast's model too: its own
 * file alone would download Fast's offline, and fail there.
 */
export function offlineLevels(models: readonly ModelInfo[], cachedIds: readonly string[]): string[] {
  return models.filter((level) => modelsOf(level).every((m) => cachedIds.includes(m.id))).map((level) => level.id);
}

/** Bytes as people read them: "88 MB", "44 MB", "3.5 MB", "512 KB" (decimal units, as download sizes are given). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${trim(bytes / 1e9)} GB`;
  if (bytes >= 1e6) return `${trim(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} B`;
}

/** One decimal under 10, none from 10 up. */
function trim(n: number): string {
  return n < 10 ? (Math.round(n * 10) / 10).toString() : Math.round(n).toString();
}
