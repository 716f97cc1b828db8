/** IP addresses kept in a form that no longer points at a person. */

/** Truncates an IP to its network part (IPv4 /24, IPv6 /48), for rows that must no longer point at a person. */
export function truncateIp(ip: string): string {
  if (ip.includes('.') && !ip.includes(':')) {
    const parts = ip.split('.');
    return parts.length === 4 ? `${parts[0]}.${parts[1]}.${parts[2]}.0` : 'unknown';
  }
  if (ip.includes(':')) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter((g) => g !== '');
    return groups.length > 0 ? `${groups.slice(0, 3).join(':')}::` : '::';
  }
  return 'unknown';
}
