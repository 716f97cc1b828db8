/** The audit log's details read as words, never as raw JSON. */
import { describe, expect, it } from 'vitest';
import { describeAuditDetail } from '../../../web/src/admin/audit-entry.ts';

describe('describeAuditDetail', () => {
  it('says a credit adjustment as its signed amount, reason and the balance it left', () => {
    expect(describeAuditDetail('adjust_credits', { delta: 5, reason: 'outage on Monday', balance: 18 })).toBe('+5 credits, “outage on Monday”, balance then 18');
    expect(describeAuditDetail('adjust_credits', { delta: -1, reason: 'granted twice', balance: 0 })).toBe('−1 credit, “granted twice”, balance then 0');
  });

  it('says a refund as the credits taken back and from which account (or that it is gone)', () => {
    expect(describeAuditDetail('refund_order', { creditsTaken: 10, userId: 'u1' })).toBe('10 credits taken back, from account u1');
    expect(describeAuditDetail('refund_order', { creditsTaken: 0, userId: null })).toBe('0 credits taken back, from a deleted account');
  });

  it("gives a request's reference, nothing for an action without detail, and any other key as key: value", () => {
    expect(describeAuditDetail('answer_support', { reference: 'REQ-AAAA-BBBB' })).toBe('REQ-AAAA-BBBB');
    expect(describeAuditDetail('ban', null)).toBe('');
    expect(describeAuditDetail('something_new', { count: 2, note: 'x' })).toBe('count: 2, note: x');
  });
});
