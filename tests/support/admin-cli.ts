/** The admin CLI (`npm run admin`) in a child process, as an operator runs it, for server and browser tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rootDir } from '../../scripts/lib/paths.ts';

const run = promisify(execFile);

/** What one run of the admin CLI printed, and its exit code. */
export interface AdminCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run admin -- ...args` on DATA_DIR `dataDir`, or on the PostgreSQL database a test
 * server's config names; resolves with any exit code (the test checks it).
 */
export function runAdminCli(on: string | { dataDir: string; databaseUrl?: string }, ...args: string[]): Promise<AdminCliRun> {
  const { dataDir, databaseUrl } = typeof on === 'string' ? { dataDir: on, databaseUrl: undefined } : on;
  const env = { ...process.env, DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  return run(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', ...args], { cwd: rootDir, env }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}
