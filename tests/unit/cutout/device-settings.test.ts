import { describe, expect, it } from 'vitest';
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
