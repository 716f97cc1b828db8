/** The README's browser-engine table: one row per engine report, the kept thread count among them. */
import { describe, expect, it } from 'vitest';
import { engineRow, engineTable } from '../../../../scripts/lib/engine-rows.ts';
import type { EngineReport } from '../../../../tests/e2e/engines/scenarios.ts';

const chromium: EngineReport = {
  engine: 'chromium',
  label: 'Chromium',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
  crossOriginIsolated: true,
  sharedArrayBuffer: true,
  hardwareConcurrency: 2,
  formats: { png: 'browser', webp: 'browser', jpeg: 'browser' },
  offline: 'server stopped and network off',
  backend: 'wasm',
  threads: 2,
};
const webkitSab: EngineReport = {
  engine: 'webkit-sab',
  label: 'WebKitGTK with JSC_useSharedArrayBuffer=1',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15',
  crossOriginIsolated: true,
  sharedArrayBuffer: true,
  hardwareConcurrency: 4,
  formats: { png: 'browser', webp: 'wasm', jpeg: 'browser' },
  offline: 'server stopped',
  backend: 'wasm',
  threads: 2,
  settledThreads: 3,
};

describe('engine table', () => {
  it('gives the thread count the idle probe kept beside the count that ran, "-" where nothing was kept', () => {
    expect(engineRow(webkitSab)).toBe('| WebKitGTK with JSC_useSharedArrayBuffer=1 (AppleWebKit 605.1.15) | yes | yes | 4 | wasm, 2 | 3 | browser | WASM (libwebp) | browser | server stopped |');
    expect(engineRow(chromium)).toBe('| Chromium (Chrome 156.0.0.0) | yes | yes | 2 | wasm, 2 | - | browser | browser | browser | server stopped and network off |');
  });

  it('puts the engines in the README order under a header with as many columns as each row', () => {
    const lines = engineTable([webkitSab, chromium]).split('\n');
    expect(lines.map((l) => l.split(' | ')[0])).toEqual(['| engine', '| ---', '| Chromium (Chrome 156.0.0.0)', '| WebKitGTK with JSC_useSharedArrayBuffer=1 (AppleWebKit 605.1.15)']);
    const cells = (l: string) => l.split('|').length;
    expect(new Set(lines.map(cells)).size).toBe(1);
    expect(lines[0]).toContain('| backend, threads that ran | threads kept (idle probe) |');
  });

  it('marks what a report lacks instead of printing undefined', () => {
    const bare = { ...chromium, backend: undefined, threads: undefined, userAgent: 'unknown', formats: { png: 'browser' } };
    expect(engineRow(bare)).toBe('| Chromium (?) | yes | yes | 2 | ?, ? | - | browser | no | no | server stopped and network off |');
  });
});
