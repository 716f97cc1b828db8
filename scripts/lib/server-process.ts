/**
 * Starts the real server (`server/main.ts`, as `npm start` does after building) in a child
 * process on a free port with a temporary data directory, for browser tests and the bench.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distDir, rootDir } from './paths.ts';

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The server's process id (with CLEARCUT_WORKERS, the primary's). */
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends a signal to the process (SIGKILL for a crash, SIGTERM for a graceful stop). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the exit code when the process ends (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The link in the `index`th mail (0: the first) to `to` (without SMTP_URL the server prints it), waiting up to 10 s for it. */
  mailLink(to: string, index?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the server and resolves once it prints its listening line. With `options.dataDir` it
 * runs on that folder (a restart on the same database) and stop() leaves the folder in place;
 * `options.nodeArgs` go to node before the script (`--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  // The build the server will serve: DIST_DIR given to this server, else this process's.
  const dist = env.DIST_DIR ?? distDir;
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no built PWA: run \`npm run build\` first`);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'clearcut-data-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'], {
    cwd: rootDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(output);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    dataDir,
    pid: child.pid!,
    output: () => output,
    kill: (signal) => child.kill(signal),
    exited,
    async mailLink(to, index = 0) {
      const find = () => {
        const escaped = to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const all = [...output.matchAll(new RegExp(`mail to ${escaped}: .*\\n  link: (\\S+)`, 'g'))];
        return all[index]?.[1];
      };
      for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 100));
      const link = find();
      if (!link) throw new Error(`no mail #${index} to ${to} in the server's output:\n${output}`);
      return link;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
