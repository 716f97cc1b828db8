/** What a contact request can be about, as the server names them, in the words the pages use. */
export const supportKindLabels = {
  question: 'A question',
  billing: 'Billing and payments',
  complaint: 'A complaint',
  privacy_access: 'Privacy: a copy of my data (access)',
  privacy_correction: 'Privacy: correct my data',
  privacy_deletion: 'Privacy: delete my data',
  privacy_restriction: 'Privacy: restrict how my data is used',
  privacy_objection: 'Privacy: object to how my data is used',
} as const;

export type SupportKind = keyof typeof supportKindLabels;

/** How each status reads on the account page. */
export const supportStatusLabels = { open: 'Open', answered: 'Answered', closed: 'Closed' } as const;

/** The server's limit on a message, in characters. */
export const supportMessageMax = 5000;
