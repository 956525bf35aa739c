import { BlockList, isIP } from 'node:net';

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address it carries. */
export function normaliseAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; undefined when malformed. */
export function parseCidr(entry: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  ) {
    return undefined;
  }
  return { network: address, prefix, family };
}

/** Whether an address falls in any of the ranges (IPv4 and IPv6). Malformed entries match nothing. */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  let ranges = 0;
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr) {
      list.addSubnet(cidr.network, cidr.prefix, cidr.family);
      ranges += 1;
    }
  }
  // No range (TRUSTED_PROXIES unset, the usual case): BlockList.check costs a SocketAddress per call.
  if (ranges === 0) return () => false;
  return (address) => {
    const normal = normaliseAddress(address);
    const version = isIP(normal);
    return version !== 0 && list.check(normal, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Path globs: `*` matches within one segment, `**` across segments, `?` one character; everything
 * else literally. `/internal/systems*` matches `/internal/systems` and `/internal/systems-x`.
 */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const regexes = patterns.map((pattern) => {
    let source = '';
    for (let i = 0; i < pattern.length; i += 1) {
      const char = pattern[i]!;
      if (char === '*' && pattern[i + 1] === '*') {
        source += '.*';
        i += 1;
      } else if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
  });
  return (path) => regexes.some((regex) => regex.test(path));
}
