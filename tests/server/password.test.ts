/** Password hashing and the password policy. */
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../server/auth/password.ts';

describe('hashPassword / verifyPassword', () => {
  it('stores a self-describing scrypt string with a fresh salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', 10);
    const b = await hashPassword('correct horse battery staple', 10);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('anything', 'not a hash')).toBe(false);
  });

  it('verifies hashes made at another cost, so the cost can be raised later', async () => {
    const old = await hashPassword('an older long password', 11);
    expect(await verifyPassword('an older long password', old)).toBe(true);
  });

  it('treats Unicode compositions of the same password alike (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait pour moi', 10);
    expect(await verifyPassword('cafe\u0301 au lait pour moi', hash)).toBe(true);
  });
});

describe('checkPasswordPolicy', () => {
  it('accepts long uncommon passwords in any script', () => {
    expect(checkPasswordPolicy('correct horse battery staple')).toBeNull();
    expect(checkPasswordPolicy('пароль-для-моего-кота')).toBeNull();
    expect(checkPasswordPolicy('私のパスワードは長いです')).toBeNull();
  });

  it('refuses short, common, common-with-a-suffix, repeated and email-like passwords', () => {
    expect(checkPasswordPolicy('short')).toMatch(/at least 10/);
    expect(checkPasswordPolicy('qwertyuiop')).toMatch(/common/);
    expect(checkPasswordPolicy('PASSWORD123')).toMatch(/common/);
    expect(checkPasswordPolicy('baseball2024!!')).toMatch(/common/);
    expect(checkPasswordPolicy('zzzzzzzzzzzz')).toMatch(/repeated/);
    expect(checkPasswordPolicy('ada.lovelace1', 'ada.lovelace@example.com')).toMatch(/email/);
    expect(checkPasswordPolicy('x'.repeat(300))).toMatch(/at most/);
  });
});
