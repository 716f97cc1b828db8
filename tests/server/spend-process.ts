/**
 * Helper process for credits-processes.test.ts: opens the database file on its own connection
 * and spends one credit per key given, printing how many succeeded. Not a test file itself.
 */
import { closeDb, openDb } from '../../server/db/client.ts';
import { spendForExport } from '../../server/credits/spend.ts';

const [file, userId, prefix, count] = process.argv.slice(2) as [string, string, string, string];
const db = openDb(file);
// Every racer starts at the same moment, whatever its start-up time was: it says it is
// ready, and the test says go (a line on stdin) once every racer is.
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
let charged = 0;
for (let i = 0; i < Number(count); i++) {
  const result = await spendForExport(db, { userId, idempotencyKey: `${prefix}-${i}`, width: 3000, height: 2000, now: new Date() });
  if (result.ok && result.charged === 1) charged++;
}
await closeDb(db);
console.log(JSON.stringify({ charged }));
