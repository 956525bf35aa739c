import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * SSRF guard for webhook targets: a receiver must be a public address. Checked against the IANA IPv4
 * and IPv6 Special-Purpose Address Registries (entries up to RFC 9780, 2025): refused are
 * unspecified, loopback, private (RFC 1918, fc00::/7, the deprecated site-local fec0::/10),
 * link-local (169.254/16 with the cloud metadata services, fe80::/10), shared CGNAT (100.64/10),
 * multicast, reserved, benchmarking and documentation ranges, IPv6 forms that carry one of those IPv4
 * addresses (IPv4-mapped, IPv4-translated, NAT64, 6to4), and any IPv6 address outside the global
 * unicast space 2000::/3 (only IPv4-mapped and NAT64 addresses of a public IPv4 address pass there).
 * The registries' globally reachable IPv4 entries outside those ranges (AS112 192.31.196/24 and
 * 192.175.48/24, AMT 192.52.193/24) are allowed; 192.0.0/24 and 2001::/23 (Teredo, benchmarking,
 * ORCHID, AMT, AS112, anycast services) are refused as a whole: no webhook receiver lives there.
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
      '192.0.0.0/24', // IETF protocol assignments (DS-Lite, NAT64 discovery, PCP/TURN anycast)
      '192.88.99.0/24', // 6to4 relay anycast (deprecated)
      '198.18.0.0/15', // benchmarking
      '240.0.0.0/4', // reserved, with the limited broadcast 255.255.255.255
      '::/96', // IPv4-compatible (deprecated)
      '::ffff:0:0:0/96', // IPv4-translated (SIIT, RFC 2765): what it embeds is checked first
      '64:ff9b:1::/48', // local-use IPv4/IPv6 translation
      '100::/64', // discard-only
      '100:0:0:1::/64', // dummy prefix (RFC 9780)
      '2001::/23', // IETF protocol assignments: Teredo, benchmarking 2001:2::/48, ORCHID, AMT, AS112
      '5f00::/16', // SRv6 segment identifiers (RFC 9602)
    ],
  ],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']],
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
const ZERO_64 = [0, 0, 0, 0, 0, 0, 0, 0];
const IPV4_MAPPED = [...ZERO_64, 0, 0, 0xff, 0xff]; // ::ffff:0:0/96
const IPV4_TRANSLATED = [...ZERO_64, 0xff, 0xff, 0, 0]; // ::ffff:0:0:0/96
const NAT64 = [0, 0x64, 0xff, 0x9b, ...ZERO_64]; // 64:ff9b::/96

/**
 * The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:0:0/96), IPv4-translated
 * (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16).
 */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  let v4: number[] | undefined;
  if (startsWith(bytes, IPV4_MAPPED) || startsWith(bytes, IPV4_TRANSLATED) || startsWith(bytes, NAT64)) {
    v4 = bytes.slice(12);
  } else if (startsWith(bytes, [0x20, 0x02])) v4 = bytes.slice(2, 6);
  return v4?.join('.');
}

/**
 * IANA allocates unicast addresses from 2000::/3 only; the rest of the IPv6 space is reserved,
 * unique-local, link-local or multicast. IPv4-mapped and NAT64 addresses are how a public IPv4
 * address is reached over IPv6 (their IPv4 address is checked on its own).
 */
function outsideGlobalUnicast(address: string): boolean {
  const bytes = ipv6Bytes(address);
  if (startsWith(bytes, IPV4_MAPPED) || startsWith(bytes, NAT64)) return false;
  return ((bytes[0] ?? 0) & 0xe0) !== 0x20;
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
  if (version === 6 && outsideGlobalUnicast(ip)) return 'reserved';
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
/** dns.lookup with `all: true`, callback style (what http(s).request's `lookup` is built on). */
export type ResolveAll = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for http(s).request that refuses forbidden addresses: the check applies to the very
 * address the socket connects to, so a DNS answer that changes after validation (rebinding) is
 * refused too. Literal IP hosts skip lookup; the sender checks those itself.
 */
export function guardLookup(resolveAll: ResolveAll): GuardedLookup {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
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
  };
}

export const guardedLookup: GuardedLookup = guardLookup((hostname, options, callback) =>
  dnsLookup(hostname, options, callback),
);
