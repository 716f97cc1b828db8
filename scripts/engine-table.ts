/**
 * Prints the README's browser-engine table from the cross-engine e2e suite's reports
 * (.e2e-report/engines/<engine>.json, written by tests/e2e/engines/scenarios.ts).
 *
 *   npx vitest run tests/e2e/engines/ && npx tsx scripts/engine-table.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineReport } from '../tests/e2e/engines/scenarios.ts';
import { engineTable } from './lib/engine-rows.ts';
import { rootDir } from './lib/paths.ts';

const dir = join(rootDir, '.e2e-report', 'engines');
if (!existsSync(dir)) throw new Error(`no reports in ${dir}: run the suite first (npx vitest run tests/e2e/engines/)`);
const reports = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EngineReport);
console.log(engineTable(reports));
