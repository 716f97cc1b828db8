/** Random identifiers and secrets. */

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
