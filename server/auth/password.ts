/** Password hashing (scrypt from node:crypto, self-describing hash strings) and the password policy. */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { passwordLength } from '../../common/password-length.ts';

const keyLength = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Runs on libuv's thread pool, so a sign-in never blocks other requests.
    scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Unicode passwords are compared after NFKC so the same password typed on different keyboards matches. */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password as `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64), with a fresh 16-byte salt. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scryptAsync(normalise(password), salt, { N: 2 ** logN, r, p, maxmem: memoryFor(logN, r) });
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function memoryFor(logN: number, r: number): number {
  // scrypt needs 128 * N * r bytes; allow headroom above Node's 32 MiB default.
  return 256 * 2 ** logN * r;
}

/** Checks a password against a stored hash, in constant time; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const logN = Number(ln);
  if (logN < 1 || logN > 22) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(normalise(password), Buffer.from(salt, 'base64'), {
    N: 2 ** logN,
    r: Number(r),
    p: Number(p),
    maxmem: memoryFor(logN, Number(r)),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords;
}

/** Why a new password is refused, or null when it is acceptable. */
export function checkPasswordPolicy(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < passwordLength.min) return `Password must be at least ${passwordLength.min} characters.`;
  if (length > passwordLength.max) return `Password must be at most ${passwordLength.max} characters.`;
  const lower = password.toLowerCase();
  const common = loadCommonPasswords();
  // "sunshine2024!" is as guessable as "sunshine": strip trailing digits and symbols too.
  const stem = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '');
  if (common.has(lower) || (stem !== '' && common.has(stem))) {
    return 'This password is one of the most common ones; choose another.';
  }
  if (/^(.)\1+$/u.test(password)) return 'Password must not be one character repeated.';
  const local = email?.toLowerCase().split('@')[0] ?? '';
  if (local.length >= 3 && lower.replace(local, '').length < 4) return 'Password must not be your email address.';
  return null;
}
