/** What the server's /account?email=… redirect after a mailed link means, in words. */
export const emailLinkOutcomes: Record<string, string> = {
  verified: 'Your email address is confirmed. Thank you.',
  changed: 'Your new email address is confirmed and is now the one of your account.',
  'invalid-link': 'That link does not work any more: it was used, it expired, or a newer one was sent.',
  taken: 'That address now belongs to another account, so your email was not changed.',
};

/** The sentence for `?email=` in a query string, or undefined. */
export function emailLinkOutcome(search: string): string | undefined {
  const outcome = new URLSearchParams(search).get('email');
  return outcome ? emailLinkOutcomes[outcome] : undefined;
}
