/**
 * Prints the README's browser-engine table from the cross-engine e2e suite's reports
 * (.e2e-report/engines/<engine>.json, written by tests/e2e/engines/scenarios.ts).
 *
 *   npx vitest run tests/e2e/engines/ && npx tsx scripts/engine-table.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineReport } from '../tests/e2e/engines/scenarios.ts';
import { rootDir } from './lib/paths.ts';

const ORDER = ['chromium', 'firefox', 'webkit', 'webkit-sab'];
const dir = join(rootDir, '.e2e-report', 'engines');
if (!existsSync(dir)) throw new Error(`no reports in ${dir}: run the suite first (npx vitest run tests/e2e/engines/)`);
const reports = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EngineReport)
  .sort((a, b) => ORDER.indexOf(a.engine) - ORDER.indexOf(b.engine));

/** The browser's version, from its user agent. */
function version(r: EngineReport): string {
  const m = /(Chrome|Firefox)\/([\d.]+)/.exec(r.userAgent) ?? /AppleWebKit\/([\d.]+)/.exec(r.userAgent);
  return m ? (m.length > 2 ? `${m[1]} ${m[2]}` : `AppleWebKit ${m[1]}`) : '?';
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
const encoder = (r: EngineReport, f: string) => (r.formats[f] === 'wasm' ? 'WASM (libwebp)' : r.formats[f] ?? 'no');
const rows = [
  '| engine | cross-origin isolated | SharedArrayBuffer | hardwareConcurrency | backend, threads that ran | PNG | WebP | JPEG | offline reload and cut |',
  '| --- | --- | --- | ---: | --- | --- | --- | --- | --- |',
  ...reports.map(
    (r) =>
      `| ${r.label} (${version(r)}) | ${yes(r.crossOriginIsolated)} | ${yes(r.sharedArrayBuffer)} | ${r.hardwareConcurrency} | ${r.backend ?? '?'}, ${r.threads ?? '?'} | ${encoder(r, 'png')} | ${encoder(r, 'webp')} | ${encoder(r, 'jpeg')} | ${r.offline} |`,
  ),
];
console.log(rows.join('\n'));
