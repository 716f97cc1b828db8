/**
 * The errors the cutout engine throws, each with a stable `name` that survives the trip
 * through comlink (it copies `name` and `message`), so the UI can map a name to a message.
 */

/** The bytes are not an image this engine can read (empty, truncated, not an image). */
export class UnsupportedImageError extends Error {
  override name = 'UnsupportedImageError';
}

/** The image has more pixels than the limit allows. */
export class ImageTooLargeError extends Error {
  override name = 'ImageTooLargeError';
}

/** No usable inference backend (no WebAssembly, or WebGPU failed and WASM too). */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

export { ModelLoadError } from './model.ts';

/** The error a cancelled job rejects with, as fetch() does. */
export function abortError(): DOMException {
  return new DOMException('The cutout was cancelled', 'AbortError');
}

/** Throws an AbortError when the signal has been aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/** True for the error a cancelled job rejects with. */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'AbortError';
}

/**
 * onnxruntime-web's WASM threads did not start (a thread's worker script failed to load):
 * its runtime would wait for them forever, so the worker that runs it must be replaced.
 */
export class ThreadsFailedError extends Error {
  override name = 'ThreadsFailedError';
}
