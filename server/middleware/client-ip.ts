/** Works out the client's IP address. */
import type { Context } from 'hono';

/** The peer address, or with trustProxy the address our (single) reverse proxy appended to X-Forwarded-For. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The rightmost entry is the one our proxy wrote; entries left of it are client-supplied and forgeable.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (forwarded) return normalizeIp(forwarded);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return normalizeIp(incoming?.socket?.remoteAddress ?? 'unknown');
}

/** Strips the IPv4-mapped IPv6 prefix so 127.0.0.1 looks the same on dual-stack sockets. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
