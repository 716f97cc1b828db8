/** The mailer without SMTP: mails are saved in DATA_DIR/outbox and their links printed. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createMailer } from '../../server/mail/mailer.ts';
import { passwordResetMail } from '../../server/mail/templates.ts';

const dir = mkdtempSync(join(tmpdir(), 'clearcut-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('saves an .eml with both bodies in DATA_DIR/outbox and prints the link', async () => {
  const lines: string[] = [];
  const mailer = createMailer(loadConfig({ DATA_DIR: dir }).mail, dir, (line) => lines.push(line));
  expect(mailer.destination).toBe(join(dir, 'outbox'));
  mailer.send(passwordResetMail('ada@example.com', 'http://localhost:8787/reset-password?token=abc'));
  await mailer.flush();
  const files = readdirSync(join(dir, 'outbox'));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/\.eml$/);
  const eml = readFileSync(join(dir, 'outbox', files[0]!), 'utf8');
  expect(eml).toMatch(/^From: clearcut <no-reply@localhost>$/m);
  expect(eml).toMatch(/^To: ada@example.com$/m);
  expect(eml).toContain('text/plain');
  expect(eml).toContain('text/html');
  expect(lines.join('\n')).toContain('link: http://localhost:8787/reset-password?token=abc');
});

it('escapes what it puts in the HTML body', () => {
  const mail = passwordResetMail('ada@example.com', 'http://x.test/?a="<b>"');
  expect(mail.html).not.toContain('"<b>"');
  expect(mail.html).toContain('&quot;&lt;b&gt;&quot;');
});

it('configures SMTP only together with PUBLIC_ORIGIN, and checks the URL and From', () => {
  expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com:587' })).toThrow(/PUBLIC_ORIGIN is required when SMTP_URL/);
  expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com', PUBLIC_ORIGIN: 'https://cut.example.com' })).toThrow(/SMTP_URL must be/);
  expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
  const config = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', PUBLIC_ORIGIN: 'https://cut.example.com', MAIL_FROM: 'Cut <hi@cut.example.com>' });
  expect(config.mail).toEqual({ smtpUrl: 'smtps://u:p@mail.example.com:465', from: 'Cut <hi@cut.example.com>' });
});
