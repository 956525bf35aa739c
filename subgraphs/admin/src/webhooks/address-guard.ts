import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for webhook targets: a receiver must be a public address. Refused: unspecified,
 * loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata services,
 * fe80::/10), shared CGNAT (100.64/10), multicast, reserved, documentation and benchmarking ranges,
 * and IPv6 forms that carry one of those IPv4 addresses (IPv4-mapped, NAT64, 6to4).
 */
const RANGES: readonly (readonly [reason: string, cidrs: readonly string[]])[] = [
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['shared (CGNAT)', ['100.64.0.0/10']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  [
    'reserved',
    [
      '192.0.0.0/24',
      '192.88.99.0/24',
      '198.18.0.0/15',
      '240.0.0.0/4',
      // IPv4-compatible (deprecated), discard-only, Teredo and local-use NAT64: nothing public lives there.
      '::/96',
      '100::/64',
      '2001::/32',
      '64:ff9b:1::/48',
    ],
  ],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']],
];

const lists = RANGES.map(([reason, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', prefix = ''] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIP(network) === 4 ? 'ipv4' : 'ipv6');
  }
  return [reason, list] as const;
});

/** The 16 bytes of a valid IPv6 address (zone already removed). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  let tail: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', rest] = text.split('::');
  const before = groups(head);
  const after = rest === undefined ? [] : groups(rest);
  const words = [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (tail) bytes.splice(12, 4, ...tail);
  return bytes;
}

const startsWith = (bytes: readonly number[], prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);
const ZERO_80 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/** The IPv4 address an IPv6 one stands for: IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16). */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  let v4: number[] | undefined;
  if (startsWith(bytes, [...ZERO_80, 0xff, 0xff])) v4 = bytes.slice(12);
  else if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) v4 = bytes.slice(12);
  else if (startsWith(bytes, [0x20, 0x02])) v4 = bytes.slice(2, 6);
  return v4?.join('.');
}

/** Why an address may not receive webhooks, or undefined for a public address. */
export function forbiddenAddressReason(address: string): string | undefined {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(ip);
  if (version === 0) return 'not an IP address';
  if (version === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4) {
      const reason = forbiddenAddressReason(v4);
      if (reason) return reason;
    }
  }
  for (const [reason, list] of lists) if (list.check(ip, version === 4 ? 'ipv4' : 'ipv6')) return reason;
  return undefined;
}

export class ForbiddenTargetError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused: ${host} resolves to ${address} (${reason})`);
    this.name = 'ForbiddenTargetError';
  }
}

type LookupAll = (hostname: string, options: LookupOptions & { all: true }) => Promise<LookupAddress[]>;

const lookupAll: LookupAll = (hostname, options) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, options, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * Resolves a URL's host and checks every address it resolves to (at create/update: the answer
 * then may change, so the sender checks again on the addresses it actually connects to).
 */
export async function assertPublicHost(hostname: string, resolve: LookupAll = lookupAll): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host, { all: true });
  if (addresses.length === 0) throw new Error(`${host} does not resolve`);
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) throw new ForbiddenTargetError(host, address, reason);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses forbidden addresses: the check applies to the very
 * address the socket connects to, so a DNS answer that changes after validation (rebinding) is
 * refused too. Literal IP hosts skip lookup; the sender checks those itself.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason) return callback(new ForbiddenTargetError(hostname, address, reason), []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), []);
    return callback(null, first.address, first.family);
  });
}
