/** One place that turns the engine's error names into short messages for people. */

const MESSAGES: Record<string, string> = {
  UnsupportedImageError: 'This file could not be read as a photo.',
  ImageTooLargeError: 'This photo is too large.',
  ModelLoadError: 'The model could not be loaded.',
  BackendUnavailableError: 'This browser cannot run the model.',
};

/**
 * The model's failures in words for people: the engine's own message names model files,
 * HTTP statuses and backends, which are for developers (the console keeps them).
 */
function modelMessage(name: string, message = ''): string {
  if (name === 'BackendUnavailableError') return 'This browser cannot run the model. A recent Chrome, Edge, Firefox or Safari can.';
  if (/offline/i.test(message)) return 'The model could not be downloaded: this device seems to be offline. Connect once to download it; from then on it works offline.';
  if (/opened/i.test(message)) return 'The model could not be started in this browser. Reloading the page may help.';
  return 'The model could not be downloaded completely. Try again.';
}

/** A short, specific message for an error from the engine (its own message when it has one). */
export function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { name, message } = err as { name?: string; message?: string };
    if (name === 'ModelLoadError' || name === 'BackendUnavailableError') {
      if (message) console.error(`${name}: ${message}`);
      return modelMessage(name, message);
    }
    if (message && name && name in MESSAGES) return message;
    if (name && name in MESSAGES) return MESSAGES[name];
    if (message) return `Something went wrong: ${message}`;
  }
  return 'Something went wrong.';
}

/** Whether trying the same file again could succeed: not for a file that is not a photo we can read, or one over the size limit. */
export function isRetryable(err: unknown): boolean {
  const name = typeof err === 'object' && err !== null ? (err as { name?: string }).name : undefined;
  return name !== 'UnsupportedImageError' && name !== 'ImageTooLargeError';
}
