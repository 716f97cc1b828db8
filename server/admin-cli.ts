/** `npm run admin -- <command>`: make-admin, ban, unban, grant/deduct, refund, visits, check, backup. */
import { adjustCredits, banUser, formatDailyVisits, makeAdmin, refundOrder, unbanUser, type AdminResult } from './admin.ts';
import { ConfigError, loadConfig } from './config.ts';
import { checkDatabase } from './credits/check.ts';
import { backupDatabase } from './db/backup.ts';
import { closeDb, databaseTarget, openDatabase } from './db/client.ts';

const usage = `usage: npm run admin -- <command>
  make-admin EMAIL   give the account the admin role
  ban EMAIL          suspend the account and end its sessions
  unban EMAIL        lift the suspension
  grant EMAIL N REASON    add N credits (an "adjust" ledger row with the reason)
  deduct EMAIL N REASON   take N credits (refused if the balance is smaller)
  refund ORDER_ID    mark a paid local-provider order refunded and take its credits back
  visits [DAYS]      requests and distinct visitors per day (default 30 days)
  check              verify the ledger: balances = sums of ledger rows, no key twice, nothing
                     negative; SQLite's integrity and foreign-key checks, or on PostgreSQL that
                     every constraint is validated (exits 1 on any mismatch)
  backup FILE        a consistent copy of the live database (SQLite online backup) to a new FILE`;

async function run(args: string[]): Promise<number> {
  const [command, arg, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return command ? 0 : 1;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const db = await openDatabase(databaseTarget(config));
  try {
    let result: AdminResult;
    if (command === 'check') {
      const report = await checkDatabase(db);
      for (const problem of report.problems) console.error(`mismatch: ${problem}`);
      const summary = `${report.accounts} accounts, ${report.ledgerRows} ledger rows`;
      if (report.problems.length > 0) {
        console.error(`check: ${report.problems.length} problem(s) in ${summary}`);
        return 1;
      }
      console.log(`check: ok (${summary}; ${report.checked.join(', ')})`);
      return 0;
    }
    if (command === 'backup') {
      if (!arg) {
        console.error(`backup: give the FILE to write\n\n${usage}`);
        return 1;
      }
      try {
        const { pages } = await backupDatabase(db, arg);
        console.log(`backup: ${pages} pages written to ${arg}`);
        return 0;
      } catch (err) {
        console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
      }
    }
    if (command === 'visits') {
      const days = arg === undefined ? 30 : Number(arg);
      if (!Number.isInteger(days) || days < 1) {
        console.error('visits: DAYS must be a whole number of at least 1');
        return 1;
      }
      console.log(await formatDailyVisits(db, days));
      return 0;
    }
    if (!arg) {
      console.error(`${command}: give the ${command === 'refund' ? 'order id' : "account's email"}\n\n${usage}`);
      return 1;
    }
    if (command === 'grant' || command === 'deduct') {
      const [count, ...reasonWords] = rest;
      const n = Number(count);
      if (!count || !/^\d+$/.test(count) || n < 1 || reasonWords.length === 0) {
        console.error(`${command}: give EMAIL, a whole number of credits and a reason\n\n${usage}`);
        return 1;
      }
      result = await adjustCredits(db, arg, command === 'grant' ? n : -n, reasonWords.join(' '));
    } else if (command === 'refund') result = await refundOrder(db, arg);
    else if (command === 'make-admin') result = await makeAdmin(db, arg);
    else if (command === 'ban') result = await banUser(db, arg);
    else if (command === 'unban') result = await unbanUser(db, arg);
    else {
      console.error(`unknown command "${command}"\n\n${usage}`);
      return 1;
    }
    (result.ok ? console.log : console.error)(result.message);
    return result.ok ? 0 : 1;
  } finally {
    await closeDb(db);
  }
}

process.exitCode = await run(process.argv.slice(2));
