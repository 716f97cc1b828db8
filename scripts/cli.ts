/**
 * `clearcut`: cut out photos on this computer from the command line (see
 * `clearcut --help`, scripts/cli/ and the README). Run as `npx clearcut` (the bin in
 * package.json, scripts/clearcut.mjs) or `npm run cli --`.
 */
import { runCli } from './cli/run.ts';

const controller = new AbortController();
process.once('SIGINT', () => {
  // The first Ctrl-C lets the photos in flight stop at their next stage; a second one quits at once.
  process.stderr.write('\nclearcut: stopping (Ctrl-C again to quit at once)\n');
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
// onnxruntime's worker threads can keep the process alive: exit once the output is flushed.
process.stdout.write('', () => process.exit(code));
