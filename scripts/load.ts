/**
 * `npm run load`: the real server (server/main.ts, as `npm start` runs it) on a temporary
 * database seeded with many accounts, driven over loopback by autocannon, one scenario at a
 * time: GET /api/me with a session cookie, a sign-in, a full-resolution spend with a fresh
 * idempotency key each time, the balance read with an API key, and a static asset. Prints a
 * table and, last, one JSON line. Client and server share this machine's cores.
 *
 *   npm run load -- [--duration S] [--connections N] [--accounts N] [--only NAME] [--pg] [--workers N] [--cpu-prof DIR]
 *
 * --pg runs the same on PostgreSQL: a throwaway cluster (scripts/lib/pg-cluster.ts, Debian's
 * `postgresql` package) on loopback, removed at the end. --workers N runs the server as N
 * processes on one port and database (CLEARCUT_WORKERS, server/cluster.ts). --cpu-prof DIR writes the server's CPU
 * profile (node --cpu-prof) into DIR when it stops.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../server/config.ts';
import { databaseTarget } from '../server/db/client.ts';
import { distDir } from './lib/paths.ts';
import { startPgCluster } from './lib/pg-cluster.ts';
import { startServer } from './lib/server-process.ts';
import { table } from './lib/table.ts';
import { seed, seedPassword } from './load/seed.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    accounts: { type: 'string', default: '10000' },
    only: { type: 'string' },
    pg: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);

/** One scenario: what autocannon sends. */
interface Scenario {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A new body for each request (fresh keys, another account). */
  body?: () => string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'clearcut-load-'));
const cluster = args.pg ? await startPgCluster() : null;
const database = cluster ? 'postgresql' : 'sqlite';
// The API key's per-minute limit would answer 429 to a benchmark; everything else is the default.
const env = {
  DATA_DIR: dataDir,
  RATE_LIMIT_API_KEY_PER_MINUTE: '1000000',
  CLEARCUT_WORKERS: args.workers,
  ...(cluster ? { DATABASE_URL: cluster.url } : {}),
};
let server: Awaited<ReturnType<typeof startServer>> | undefined;

try {
  const config = loadConfig({ ...process.env, ...env });
  console.log(`seeding ${args.accounts} accounts on ${database} (scrypt 2^${config.scryptLogN}), server in ${args.workers} process(es)…`);
  const seeded = await seed(databaseTarget(config), Number(args.accounts), config.scryptLogN);
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  server = await startServer(env, { dataDir, nodeArgs });
  const origin = server.url;

  const signIn = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
    body: JSON.stringify({ email: seeded.spender, password: seedPassword }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in for the load run failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  const asset = readdirSync(join(distDir, 'assets')).find((f) => f.endsWith('.js'))!;
  let counter = 0;
  const json = { 'Content-Type': 'application/json', Origin: origin };

  const all: Scenario[] = [
    { name: 'GET /api/me (cookie)', path: '/api/me', headers: { Cookie: cookie } },
    {
      name: 'POST /api/auth/login',
      path: '/api/auth/login',
      method: 'POST',
      headers: json,
      body: () => JSON.stringify({ email: seeded.emails[counter++ % seeded.emails.length], password: seedPassword }),
    },
    {
      name: 'POST /api/credits/spend (cookie, new key)',
      path: '/api/credits/spend',
      method: 'POST',
      headers: { ...json, Cookie: cookie },
      body: () => JSON.stringify({ idempotencyKey: `load-${process.pid}-${counter++}`, width: 4000, height: 3000 }),
    },
    { name: 'GET /api/credits (API key)', path: '/api/credits', headers: { Authorization: `Bearer ${seeded.apiKey}` } },
    { name: `GET /assets/${asset}`, path: `/assets/${asset}` },
  ];
  const scenarios = all.filter((s) => !args.only || s.name.includes(args.only));

  const rows: { scenario: string; rps: number; p50: number; p99: number; ok: number; bad: number; errors: number }[] = [];
  for (const scenario of scenarios) {
    process.stdout.write(`${scenario.name}: ${duration} s, ${connections} connections… `);
    const result = await autocannon({
      url: `${origin}${scenario.path}`,
      connections,
      duration,
      method: scenario.method ?? 'GET',
      headers: scenario.headers,
      requests: [{ setupRequest: (req) => (scenario.body ? { ...req, body: scenario.body() } : req) }],
    });
    const row = {
      scenario: scenario.name,
      rps: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      bad: result.non2xx,
      errors: result.errors + result.timeouts,
    };
    rows.push(row);
    console.log(`${row.rps} req/s`);
    // autocannon stops sending, but the server still works on the requests in flight (ten sign-ins
    // hash for seconds): let them finish before the next scenario, or it is measured under their load.
    await new Promise((resolve) => setTimeout(resolve, Math.min(result.latency.max, 10_000)));
  }

  console.log();
  console.log(
    table(
      ['scenario', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors'],
      rows.map((r) => [r.scenario, String(r.rps), String(r.p50), String(r.p99), String(r.ok), String(r.bad), String(r.errors)]),
      1,
    ),
  );
  console.log(
    JSON.stringify({
      database,
      duration,
      connections,
      workers: Number(args.workers),
      accounts: Number(args.accounts),
      cores: availableParallelism(),
      scenarios: rows,
    }),
  );
} finally {
  await server?.stop();
  cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
