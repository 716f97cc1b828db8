/** The engine's state for the UI: which backend runs, and the model download's progress. */
import { CutoutClient, type EngineInfo } from '../cutout/client.ts';
import { describeError } from './errors.ts';
import { cachedModelIds, manifest, type DownloadProgress } from '../cutout/model.ts';

export class EngineState {
  readonly client = new CutoutClient();
  info = $state<EngineInfo | undefined>();
  download = $state<DownloadProgress | undefined>();
  ready = $state(false);
  error = $state<string | undefined>();
  #loading?: Promise<void>;

  /** Opens the default model now if it is already cached, so the first photo starts at once. */
  async warmUp(): Promise<void> {
    this.info = await this.client.init();
    if ((await cachedModelIds()).includes(manifest.default)) void this.load();
  }

  /** Downloads (with progress) and opens the default model, once. */
  load(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        this.error = undefined;
        this.info = await this.client.loadModel(undefined, manifest.default, (p) => (this.download = p));
        this.ready = true;
      } catch (err) {
        this.error = describeError(err);
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }
}
