/** The audit log's details in words: what each action's JSON detail means to the admin reading the log. */

/** One line of detail for an entry (empty when the action says it all); unknown keys are listed as `key: value`. */
export function describeAuditDetail(action: string, detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  const { delta, reason, balance, creditsTaken, userId, reference, ...rest } = detail;
  const parts: string[] = [];
  if (action === 'adjust_credits' && typeof delta === 'number') {
    parts.push(`${delta > 0 ? '+' : '−'}${Math.abs(delta)} ${Math.abs(delta) === 1 ? 'credit' : 'credits'}`);
    if (typeof reason === 'string') parts.push(`“${reason}”`);
    if (typeof balance === 'number') parts.push(`balance then ${balance}`);
  } else if (action === 'refund_order' && typeof creditsTaken === 'number') {
    parts.push(`${creditsTaken} ${creditsTaken === 1 ? 'credit' : 'credits'} taken back`);
    parts.push(userId ? `from account ${String(userId)}` : 'from a deleted account');
  } else {
    Object.assign(rest, { delta, reason, balance, creditsTaken, userId });
  }
  if (typeof reference === 'string') parts.push(reference);
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) parts.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.join(', ');
}
