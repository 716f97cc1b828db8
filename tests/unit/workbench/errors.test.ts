import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, UnsupportedImageError } from '../../../web/src/cutout/errors.ts';
import { describeError, isRetryable } from '../../../web/src/workbench/errors.ts';

describe('whether a failed photo is worth trying again', () => {
  it('is not for a file that cannot be read as a photo, nor for one over the size limit', () => {
    expect(isRetryable(new UnsupportedImageError('not an image'))).toBe(false);
    expect(isRetryable(new ImageTooLargeError('too large'))).toBe(false);
    // As the worker sends them: comlink copies only the name and the message.
    expect(isRetryable({ name: 'UnsupportedImageError', message: 'truncated or corrupt' })).toBe(false);
  });

  it('is for anything else (a model that failed to load, a lost worker)', () => {
    expect(isRetryable({ name: 'ModelLoadError', message: 'network' })).toBe(true);
    expect(isRetryable(new Error('worker crashed'))).toBe(true);
  });
});

describe('the words a person reads when the model fails', () => {
  it('never name model files, HTTP statuses or backends, and say what to do', () => {
    const cases = [
      { name: 'ModelLoadError', message: 'could not download the standard model (isnet-int8-896): you may be offline', want: /offline.*Connect once/ },
      { name: 'ModelLoadError', message: 'could not download the model isnet-int8-896: HTTP 503', want: /Try again/ },
      { name: 'ModelLoadError', message: 'The model could not be opened: wasm backend failed', want: /Reloading the page/ },
      { name: 'BackendUnavailableError', message: 'The webgpu backend is unavailable: no adapter', want: /browser cannot run the model/ },
    ];
    for (const { want, ...err } of cases) {
      const text = describeError(err);
      expect(text).toMatch(want);
      expect(text).not.toMatch(/isnet|HTTP|\d{3}|backend|wasm|webgpu/i);
    }
  });

  it('keep the reader\'s own message for a photo it cannot read', () => {
    expect(describeError({ name: 'UnsupportedImageError', message: 'The file is empty.' })).toBe('The file is empty.');
  });
});
