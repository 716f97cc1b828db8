/** A real SMTP server in the test process that keeps every message it receives, and a mailer sending to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createMailer, type Mailer } from '../../server/mail/mailer.ts';

/** One message as received, its bodies decoded from quoted-printable. */
export interface ReceivedMail {
  /** The envelope's sender. */
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Starts the SMTP server; `mailsTo` waits for the mailer's sends to finish before looking. */
export async function startSmtpInbox(from = 'clearcut <no-reply@cut.example.test>') {
  const received: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = decodeQuotedPrintable(Buffer.concat(chunks).toString('latin1'));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  const outbox = mkdtempSync(join(tmpdir(), 'clearcut-smtp-'));
  const mailer: Mailer = createMailer({ smtpUrl, from }, outbox, () => {});
  return {
    smtpUrl,
    mailer,
    received,
    /** Every message sent to `to` so far. */
    async mailsTo(to: string): Promise<ReceivedMail[]> {
      await mailer.flush();
      return received.filter((m) => m.to.includes(to));
    },
    /** Waits for the mails started so far, then forgets them. */
    async clear(): Promise<void> {
      await mailer.flush();
      received.length = 0;
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      rmSync(outbox, { recursive: true, force: true });
    },
  };
}
