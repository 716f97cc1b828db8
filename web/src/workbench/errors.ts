/** One place that turns the engine's error names into short messages for people. */

const MESSAGES: Record<string, string> = {
  UnsupportedImageError: 'This file could not be read as a photo.',
  ImageTooLargeError: 'This photo is too large.',
  ModelLoadError: 'The model could not be loaded.',
  BackendUnavailableError: 'This browser cannot run the model.',
};

/** A short, specific message for an error from the engine (its own message when it has one). */
export function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { name, message } = err as { name?: string; message?: string };
    if (message && name && name in MESSAGES) return message;
    if (name && name in MESSAGES) return MESSAGES[name];
    if (message) return `Something went wrong: ${message}`;
  }
  return 'Something went wrong.';
}
