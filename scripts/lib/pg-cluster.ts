/**
 * A throwaway PostgreSQL cluster for tests and `npm run load -- --pg`: initdb in a temporary
 * folder, pg_ctl start on a free loopback port (trust authentication, nothing else listens),
 * and stop() that shuts it down and deletes the folder. Uses Debian's `postgresql` package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster: its connection URL, and stop() to remove it. */
export interface PgCluster {
  /** postgres://clearcut@127.0.0.1:PORT/clearcut */
  url: string;
  /** Shuts the server down (fast mode) and deletes its folder. */
  stop(): void;
}

/** Why PostgreSQL tests are skipped where the binaries are missing. */
export const pgMissingMessage = 'SKIPPED: PostgreSQL not installed (apt-get install -y postgresql)';

/** The folder of initdb and pg_ctl (the newest Debian version installed), or null when none is. */
export function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts a new cluster with one database `clearcut` owned by the superuser `clearcut`. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin) throw new Error(pgMissingMessage);
  const dir = mkdtempSync(join(tmpdir(), 'clearcut-pg-'));
  // initdb refuses to run as root: as root, the cluster belongs to the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const data = join(dir, 'data');
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'clearcut', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const port = await freePort();
    // fsync off: a test cluster never needs to survive a power cut, and it makes every commit cheaper.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    const stop = () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      run('createdb', ['-h', dir, '-p', String(port), '-U', 'clearcut', 'clearcut']);
    } catch (err) {
      stop();
      throw err;
    }
    return { url: `postgres://clearcut@127.0.0.1:${port}/clearcut`, stop };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`could not start a PostgreSQL cluster: ${(err as Error).message}\n${stderr}`);
  }
}

