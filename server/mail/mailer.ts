/** The one way the server sends mail: SMTP when configured, otherwise files in DATA_DIR/outbox plus a console line. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';
import { generateSecureRandomString } from '../lib/secrets.ts';

/** One message: both bodies are always sent; `link` is the action it carries (printed in outbox mode). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  link?: string;
}

/** Sends mail in the background; `flush()` waits for every send started so far (tests, shutdown). */
export interface Mailer {
  /** Starts sending; never throws (a failure is logged: the request that caused it has already answered). */
  send(mail: Mail): void;
  flush(): Promise<void>;
  /** Where mail goes, for the start-up line: `smtp` or the outbox folder. */
  readonly destination: string;
}

/** Builds the mailer for this configuration. */
export function createMailer(config: MailConfig, dataDir: string, log: (line: string) => void = console.log): Mailer {
  const outboxDir = join(dataDir, 'outbox');
  const transport = config.smtpUrl
    ? nodemailer.createTransport(config.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const pending = new Set<Promise<void>>();

  const deliver = async (mail: Mail): Promise<void> => {
    // No tracking: no remote images, no pixel, no rewritten links; just the two bodies.
    const info = await transport.sendMail({ from: config.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    if (config.smtpUrl) return;
    await mkdir(outboxDir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${generateSecureRandomString(6)}.eml`;
    const file = join(outboxDir, name);
    await writeFile(file, (info as { message: Buffer }).message, { mode: 0o600 });
    log(`[clearcut] mail to ${mail.to}: "${mail.subject}" saved as ${file}${mail.link ? `\n  link: ${mail.link}` : ''}`);
  };

  return {
    destination: config.smtpUrl ? 'smtp' : outboxDir,
    send(mail) {
      const job = deliver(mail)
        .catch((err: unknown) => {
          console.error(`[clearcut] could not send mail "${mail.subject}":`, err instanceof Error ? err.message : err);
        })
        .finally(() => pending.delete(job));
      pending.add(job);
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
