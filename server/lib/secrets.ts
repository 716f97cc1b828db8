/** Random secrets and their stored form: only a SHA-256 of a secret ever reaches the database. */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';

// Human-readable alphabet without l, o, 0, 1 (as in Lucia's session guide); 32 symbols = 5 bits each.
const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random string with 5 bits of entropy per character from the CSPRNG; 24 characters = 120 bits. */
export function generateSecureRandomString(length = 24): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  // 256 is a multiple of 32, so taking the top 5 bits of each byte is unbiased.
  for (const byte of bytes) out += alphabet[byte >> 3];
  return out;
}

/** SHA-256 of a secret (session, API key, mailed link, provider cookie): what is stored instead of it. */
export function hashSecret(secret: string): Buffer {
  return Buffer.from(sha256(new TextEncoder().encode(secret)));
}

/** Whether `secret` is the one whose hash is `stored`, compared in constant time (no timing oracle). */
export function secretMatches(secret: string, stored: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), stored);
}
