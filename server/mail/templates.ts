/** The mails clearcut sends, each as subject, plain text and HTML. No images, no tracking, no marketing. */
import type { Mail } from './mailer.ts';

const product = 'clearcut';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** One mail with a paragraph or two and, optionally, one button-like link. */
function compose(to: string, subject: string, paragraphs: string[], action?: { label: string; url: string }): Mail {
  const text = [
    ...paragraphs,
    ...(action ? [`${action.label}:\n${action.url}`] : []),
    `— ${product}`,
  ].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:36rem">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${action ? `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>\n<p style="font-size:small">Or paste this address into your browser: ${escapeHtml(action.url)}</p>` : ''}
<p>— ${product}</p>
</body></html>`;
  return { to, subject, text, html, ...(action ? { link: action.url } : {}) };
}

/** Sent at sign-up and on "resend": confirms the account's address. */
export function verifyEmailMail(to: string, url: string): Mail {
  return compose(
    to,
    `Confirm your email for ${product}`,
    [
      `Someone (hopefully you) created a ${product} account with this address.`,
      'Confirm it to buy credits and create API keys. The link works for 48 hours.',
      'If this was not you, ignore this mail and no account will be confirmed.',
    ],
    { label: 'Confirm my email', url },
  );
}

/** Sent to the new address when someone changes their account's email. */
export function emailChangeMail(to: string, url: string): Mail {
  return compose(
    to,
    `Confirm your new email for ${product}`,
    [
      `A ${product} account asked to use this address from now on.`,
      'It changes only once you open the link below, within 24 hours. If this was not you, ignore this mail.',
    ],
    { label: 'Use this email', url },
  );
}

/** Sent to the old address once an email change is confirmed. */
export function emailChangedNotice(to: string, newEmail: string): Mail {
  return compose(to, `Your ${product} email was changed`, [
    `Your ${product} account now uses ${newEmail} instead of this address.`,
    'If you did not do this, reset your password from the sign-in page straight away and tell us.',
  ]);
}

/** Sent on "forgot password" to an address that has an account. */
export function passwordResetMail(to: string, url: string): Mail {
  return compose(
    to,
    `Reset your ${product} password`,
    [
      `Someone asked to reset the password of the ${product} account for this address.`,
      'The link works once, for one hour. Setting a new password signs you out everywhere.',
      'If this was not you, ignore this mail: your password stays as it is.',
    ],
    { label: 'Choose a new password', url },
  );
}

/** Sent when a contact or support request is stored: its reference, and what happens next. */
export function supportReceivedMail(to: string, reference: string, kindLabel: string, url: string): Mail {
  return compose(
    to,
    `We received your request ${reference}`,
    [
      `Thank you for writing to ${product}. Your request (${kindLabel}) is stored under the reference ${reference}; quote it if you write again.`,
      'We answer by mail to this address. If you have an account, you can also follow the request on your account page.',
      'If you did not send this, you can ignore this mail.',
    ],
    { label: 'Your account page', url },
  );
}

/** Sent when an admin answers a request; the answer is in the mail itself. */
export function supportAnsweredMail(to: string, reference: string, answer: string, url: string): Mail {
  return compose(
    to,
    `Answer to your request ${reference}`,
    [`Here is our answer to your request ${reference}:`, answer, 'To follow up, reply through the contact page and quote the reference.'],
    { label: 'Contact page', url },
  );
}
