/**
 * The README's browser-engine table as Markdown, from the cross-engine e2e suite's reports
 * (tests/e2e/engines/scenarios.ts): pure, so each cell's rule is tested without the suite.
 */
import type { EngineReport } from '../../tests/e2e/engines/scenarios.ts';

const ORDER = ['chromium', 'firefox', 'webkit', 'webkit-sab'];

/** The browser's version, from its user agent. */
export function engineVersion(r: EngineReport): string {
  const m = /(Chrome|Firefox)\/([\d.]+)/.exec(r.userAgent) ?? /AppleWebKit\/([\d.]+)/.exec(r.userAgent);
  return m ? (m.length > 2 ? `${m[1]} ${m[2]}` : `AppleWebKit ${m[1]}`) : '?';
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
const encoder = (r: EngineReport, f: string) => (r.formats[f] === 'wasm' ? 'WASM (libwebp)' : (r.formats[f] ?? 'no'));

export const ENGINE_TABLE_HEADER = [
  '| engine | cross-origin isolated | SharedArrayBuffer | hardwareConcurrency | backend, threads that ran | threads kept (idle probe) | PNG | WebP | JPEG | offline reload and cut |',
  '| --- | --- | --- | ---: | --- | ---: | --- | --- | --- | --- |',
];

/**
 * One engine's row. "threads kept" is the count the probe measured with the engine idle and
 * kept for the next start: "-" where nothing was kept (no SharedArrayBuffer, or two or fewer
 * reported cores, where the engine runs two threads without a probe).
 */
export function engineRow(r: EngineReport): string {
  return `| ${r.label} (${engineVersion(r)}) | ${yes(r.crossOriginIsolated)} | ${yes(r.sharedArrayBuffer)} | ${r.hardwareConcurrency} | ${r.backend ?? '?'}, ${r.threads ?? '?'} | ${r.settledThreads ?? '-'} | ${encoder(r, 'png')} | ${encoder(r, 'webp')} | ${encoder(r, 'jpeg')} | ${r.offline} |`;
}

/** The whole table, engines in the README's order. */
export function engineTable(reports: readonly EngineReport[]): string {
  const sorted = [...reports].sort((a, b) => ORDER.indexOf(a.engine) - ORDER.indexOf(b.engine));
  return [...ENGINE_TABLE_HEADER, ...sorted.map(engineRow)].join('\n');
}
