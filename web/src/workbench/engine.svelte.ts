/**
 * The engine's state for the UI: which backend runs, which model (level) is chosen, its
 * download's progress (over all the level's models), and which levels are kept in Cache
 * Storage (available offline).
 */
import { CutoutBridge, type EngineInfo } from '../cutout/bridge.ts';
import { threadsFrom } from '../cutout/forced-threads.ts';
import { cachedModelIds, manifest, modelInfo, removeCachedModel, type DownloadProgress, type ModelInfo } from '../cutout/model.ts';
import { describeError } from './errors.ts';
import { initialModelId, offlineLevels, saveModelChoice } from './model-choice.ts';

/** localStorage, or nothing where it is missing or refused. */
function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export class EngineState {
  /** The engine's workers: this state is their one owner. */
  readonly bridge = new CutoutBridge({ threads: typeof location === 'undefined' ? undefined : threadsFrom(location.search) });
  readonly models: readonly ModelInfo[] = manifest.models;
  info = $state<EngineInfo | undefined>();
  /** The chosen model: `?model=`, else the stored choice, else the manifest's default. */
  modelId = $state(initialModelId(manifest, typeof location === 'undefined' ? '' : location.search, storage()));
  /** Bytes of the chosen level's download (its models' summed), while it downloads (or after, until they open). */
  download = $state<DownloadProgress | undefined>();
  /** The chosen model is open in the worker. */
  ready = $state(false);
  /** The chosen model is being downloaded or opened. */
  loading = $state(false);
  error = $state<string | undefined>();
  /** Ids of the levels whose models are all kept in Cache Storage (available offline), in manifest order; undefined until first read. */
  cached = $state<string[] | undefined>();
  /** One load per model id; a failed load is forgotten so it can be retried. */
  #loading = new Map<string, Promise<void>>();
  #opened = new Set<string>();

  constructor() {
    this.bridge.onEngine = (info) => (this.info = info);
  }

  /** The chosen model's manifest entry. */
  get model(): ModelInfo {
    return modelInfo(this.modelId);
  }

  /** What the chosen model is doing before it can cut: downloading, preparing (opening it, which takes seconds), or nothing. */
  get phase(): 'downloading' | 'preparing' | undefined {
    if (this.ready || !this.loading) return undefined;
    const d = this.download;
    return d && d.loaded < d.total ? 'downloading' : 'preparing';
  }

  /** Picks the backend, and opens the chosen model now if it is already cached, so the first photo starts at once. */
  async warmUp(): Promise<void> {
    await this.refreshCached();
    this.info = await this.bridge.init();
    if (this.cached?.includes(this.modelId)) void this.load();
  }

  /** Downloads (with byte progress) and opens the chosen model, once per model. */
  load(): Promise<void> {
    const id = this.modelId;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = (async () => {
        try {
          if (this.modelId === id) {
            this.error = undefined;
            this.loading = true;
          }
          const info = await this.bridge.loadModel(undefined, id, (p) => {
            if (this.modelId === id) this.download = p;
          });
          this.info = info;
          this.#opened.add(id);
          if (this.modelId === id) this.ready = true;
        } catch (err) {
          this.#loading.delete(id);
          if (this.modelId === id) this.error = describeError(err);
        } finally {
          if (this.modelId === id) this.loading = false;
          await this.refreshCached();
        }
      })();
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /** Switches to another model and keeps the choice; opens it at once when it is cached already. */
  choose(id: string): void {
    const model = modelInfo(id);
    if (model.id === this.modelId) return;
    // The worker closes the model it leaves (its memory goes to the next one): coming back opens it again.
    this.#opened.delete(this.modelId);
    this.#loading.delete(this.modelId);
    this.modelId = model.id;
    saveModelChoice(model.id, storage());
    this.ready = this.#opened.has(model.id);
    this.loading = false;
    this.download = undefined;
    this.error = undefined;
    if (this.cached?.includes(model.id)) void this.load();
  }

  /**
   * Removes a level's own model from Cache Storage: it is no longer available offline. Its
   * second opinion's model is another level's own (Quality's is Fast's) and stays with that
   * level. A model open in the worker stays usable until the page closes; the next visit
   * downloads it again.
   */
  async remove(id: string): Promise<void> {
    await removeCachedModel(modelInfo(id));
    await this.refreshCached();
  }

  /** Re-reads which models are in Cache Storage. */
  async refreshCached(): Promise<void> {
    try {
      this.cached = offlineLevels(this.models, await cachedModelIds());
    } catch {
      this.cached = [];
    }
  }
}

/** The page's engine. */
export const engine = new EngineState();
