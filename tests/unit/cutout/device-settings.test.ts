import { afterEach, describe, expect, it, vi } from 'vitest';
import { keptForBrowser } from '../../../web/src/cutout/device-settings.ts';

const chromium130 = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36';
const chromium131 = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36';

describe('what the engine keeps about this device', () => {
  it('gives back an answer learnt in this browser', () => {
    expect(keptForBrowser({ value: { threads: 2 }, userAgent: chromium130 }, chromium130)).toEqual({ threads: 2 });
  });

  it('learns again after a browser update: an answer from another user agent is not used', () => {
    expect(keptForBrowser({ value: { threads: 2 }, userAgent: chromium130 }, chromium131)).toBeUndefined();
  });

  it('has nothing when nothing was kept', () => {
    expect(keptForBrowser(undefined, chromium130)).toBeUndefined();
  });

  it('keeps a falsy answer as an answer', () => {
    expect(keptForBrowser({ value: 0, userAgent: chromium130 }, chromium130)).toBe(0);
  });
});

describe('device settings without storage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('reads nothing and keeps nothing where there is no IndexedDB, without failing: the engine goes on without it', async () => {
    expect(typeof indexedDB).toBe('undefined'); // Node, as a browser with no storage at all
    const { readDeviceSetting, writeDeviceSetting } = await import('../../../web/src/cutout/device-settings.ts');
    await expect(writeDeviceSetting('wasm-threads', { threads: 2 })).resolves.toBeUndefined();
    await expect(readDeviceSetting('wasm-threads')).resolves.toBeUndefined();
  });

  it('reads nothing and keeps nothing where opening the database throws (storage disabled), without failing', async () => {
    let opens = 0;
    vi.stubGlobal('indexedDB', {
      open() {
        opens++;
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    vi.stubGlobal('navigator', { userAgent: 'a browser with storage disabled' });
    const { readDeviceSetting, writeDeviceSetting } = await import('../../../web/src/cutout/device-settings.ts');
    await expect(writeDeviceSetting('wasm-threads', { threads: 2 })).resolves.toBeUndefined();
    await expect(readDeviceSetting('wasm-threads')).resolves.toBeUndefined();
    expect(opens, 'it did try the storage').toBeGreaterThan(0);
  });
});
