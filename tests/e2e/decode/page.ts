/**
 * The page half of decode.test.ts, bundled for the browser: fetches each file from the test's
 * server, decodes it with decodeInBrowser and with the canvas-only reference, and says
 * whether the two agree byte for byte.
 */
import { decodeInBrowser, readsFramesBack } from '../../../web/src/cutout/decode.ts';
import { decodeInBrowserReference } from './decode-reference.ts';

export interface Compared {
  name: string;
  width: number;
  height: number;
  /** Bytes that differ (0: the same pixels). */
  differing: number;
  error?: string;
}

/** readsFramesBack as a worker (where the app decodes) answers it: this script loaded in a classic worker. */
export function readsFramesBackInWorker(): Promise<boolean> {
  if (typeof document === 'undefined') {
    void readsFramesBack().then((answer) => postMessage(answer));
    return new Promise(() => {});
  }
  const worker = new Worker('/page.js?worker');
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<boolean>) => (worker.terminate(), resolve(e.data));
    worker.onerror = (e) => (worker.terminate(), reject(new Error(e.message)));
  });
}

if (typeof document === 'undefined') void readsFramesBackInWorker();

export async function compareDecodes(names: string[], canvasMaxPixels?: number): Promise<{ framesReadBack: boolean; framesReadBackInWorker: boolean; results: Compared[] }> {
  const results: Compared[] = [];
  for (const name of names) {
    const blob = await (await fetch(`/files/${name}`)).blob();
    try {
      const now = await decodeInBrowser(blob, undefined, canvasMaxPixels);
      const old = await decodeInBrowserReference(blob, undefined, canvasMaxPixels);
      let differing = Math.abs(now.data.length - old.data.length);
      for (let i = 0; i < Math.min(now.data.length, old.data.length); i++) if (now.data[i] !== old.data[i]) differing++;
      if (now.width !== old.width || now.height !== old.height) differing = Math.max(differing, 1);
      results.push({ name, width: now.width, height: now.height, differing });
    } catch (err) {
      results.push({ name, width: 0, height: 0, differing: -1, error: String(err) });
    }
  }
  return { framesReadBack: await readsFramesBack(), framesReadBackInWorker: await readsFramesBackInWorker(), results };
}
