import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './server/app.ts';
import { loadConfig } from './server/config.ts';
import { databasePath, openDb } from './server/db/client.ts';
import { seed, seedPassword } from './scripts/load/seed.ts';
const dataDir = mkdtempSync(join(tmpdir(), 'zz-prof-'));
const config = loadConfig({ DATA_DIR: dataDir, SCRYPT_LOG_N: '10', RATE_LIMIT_API_KEY_PER_MINUTE: '1000000' });
const s = await seed(dataDir, 2000, 10);
const db = openDb(databasePath(dataDir));
const app = createApp({ config, db, mailer: { send() {}, flush: async () => {} } as any });
const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://localhost' }, body: JSON.stringify({ email: s.spender, password: seedPassword }) });
const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
const path = process.argv[2] ?? '/api/me';
const headers: Record<string, string> = path === '/api/credits' ? { Authorization: `Bearer ${s.apiKey}` } : { Cookie: cookie };
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  const n = 5000;
  for (let i = 0; i < n; i++) { const r = await app.request(path, { headers }); if (r.status !== 200) throw new Error(String(r.status)); await r.text(); }
  console.log(path, ((performance.now() - t0) / n * 1000).toFixed(0), 'µs/request');
}
