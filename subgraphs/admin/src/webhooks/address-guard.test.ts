import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  assertPublicHost,
  embeddedIpv4,
  forbiddenAddressReason,
  ForbiddenTargetError,
  guardedLookup,
  guardLookup,
  type ResolveAll,
} from './address-guard.js';
import { sendWebhook } from './sender.js';

describe('webhook address guard', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a00:1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['not-an-ip', 'not an IP address'],
    // IPv4-translated (SIIT, ::ffff:0:0/96 at bit 64): security finding 6.
    ['::ffff:0:7f00:1', 'loopback'],
    ['::FFFF:0:7F00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['0:0:0:0:ffff:0:7f00:1', 'loopback'],
    ['0000:0000:0000:0000:ffff:0000:7f00:0001', 'loopback'],
    ['[::ffff:0:7f00:1]', 'loopback'],
    ['::ffff:0:a9fe:a9fe', 'link-local'],
    ['::ffff:0:10.1.2.3', 'private'],
    ['::ffff:0:0:0', 'unspecified'],
    ['::ffff:0:808:808', 'reserved'],
    // The rest of the IANA IPv4 special-purpose registry.
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.0', 'shared (CGNAT)'],
    ['192.0.0.8', 'reserved'],
    ['192.0.0.170', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['240.0.0.1', 'reserved'],
    // The rest of the IANA IPv6 special-purpose registry, and IPv6 outside 2000::/3.
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:c0a8:1', 'private'],
    ['::ffff:100.64.1.1', 'shared (CGNAT)'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:FF9B::192.168.1.1', 'private'],
    ['64:ff9b:1::808:808', 'reserved'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:a00:1::1', 'private'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:2::1', 'reserved'],
    ['2001:10::1', 'reserved'],
    ['2001:20::1', 'reserved'],
    ['::2', 'reserved'],
    ['::10.0.0.1', 'reserved'],
    ['::808:808', 'reserved'],
    ['fd12:3456::1', 'private'],
    ['FC00::', 'private'],
    ['fe80::', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff00::', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['100::1', 'reserved'],
    ['100:0:0:1::1', 'reserved'],
    ['2001:db8:ffff::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['3fff:fff::1', 'documentation'],
    ['5f00::1', 'reserved'],
    ['1::', 'reserved'],
    ['4000::1', 'reserved'],
    ['e000::1', 'reserved'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
    '2001:200::1',
    '2001:4860:4860::8888',
    '3fff:1000::1',
    '2620:4f:8000::1',
    '192.31.196.1',
    '::FFFF:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  it('reads the IPv4 address inside IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIpv4('::ffff:c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('2002:c0a8:1::')).toBe('192.168.0.1');
    expect(embeddedIpv4('::ffff:0:c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('::ffff:0:192.168.0.1')).toBe('192.168.0.1');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });

  it('checks every address a name resolves to', async () => {
    const resolving =
      (...addresses: string[]) =>
      async (): Promise<LookupAddress[]> =>
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    await expect(assertPublicHost('hooks.example.com', resolving('93.184.215.14'))).resolves.toBeUndefined();
    await expect(assertPublicHost('hooks.example.com', resolving('93.184.215.14', '10.0.0.5'))).rejects.toThrow(
      ForbiddenTargetError,
    );
    await expect(assertPublicHost('metadata.internal', resolving('169.254.169.254'))).rejects.toThrow(/link-local/);
    await expect(assertPublicHost('[::1]')).rejects.toThrow(/loopback/);
    await expect(assertPublicHost('localhost')).rejects.toThrow(/loopback/);
  });

  // What registration checks: the hostname the WHATWG URL parser leaves (IPv4 in any base and
  // shorthand becomes a dotted quad, IPv6 is lowercased and compressed, a dotted tail turns hex).
  it.each([
    ['https://[::ffff:0:7f00:1]/hook', '::ffff:0:7f00:1', 'loopback'],
    ['https://[::FFFF:0:127.0.0.1]/hook', '::ffff:0:7f00:1', 'loopback'],
    ['https://[0:0:0:0:ffff:0:7f00:1]/hook', '::ffff:0:7f00:1', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1', 'loopback'],
    ['https://[::ffff:7f00:1]/hook', '::ffff:7f00:1', 'loopback'],
    ['https://[::FFFF:7F00:1]/hook', '::ffff:7f00:1', 'loopback'],
    ['https://[::127.0.0.1]/hook', '::7f00:1', 'reserved'],
    ['https://[64:ff9b::10.0.0.1]/hook', '64:ff9b::a00:1', 'private'],
    ['https://[0000:0000:0000:0000:0000:0000:0000:0001]/hook', '::1', 'loopback'],
    ['http://2130706433/hook', '127.0.0.1', 'loopback'],
    ['http://0x7f.1/hook', '127.0.0.1', 'loopback'],
    ['http://017700000001/hook', '127.0.0.1', 'loopback'],
    ['http://0x7f000001/hook', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://127.1/hook', '127.0.0.1', 'loopback'],
    ['http://127.0.0.1./hook', '127.0.0.1', 'loopback'],
    ['http://%31%32%37.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://\uff11\uff12\uff17.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['http://0/hook', '0.0.0.0', 'unspecified'],
    ['http://4294967295/hook', '255.255.255.255', 'reserved'],
    ['http://0xa9.254.0251.0xfe/latest/meta-data/', '169.254.169.254', 'link-local'],
  ])('refuses the URL %s (host %s, %s)', async (url, address, reason) => {
    const { hostname } = new URL(url);
    expect(hostname.replace(/^\[|\]$/g, '')).toBe(address);
    await expect(assertPublicHost(hostname)).rejects.toThrow(`resolves to ${address} (${reason})`);
  });

  it('refuses numeric hosts that reach the resolver unnormalised', async () => {
    // getaddrinfo reads inet_aton's forms (octal, hex, shorthand) as addresses, not names.
    for (const host of ['0x7f.1', '2130706433', '017700000001', '127.1']) {
      await expect(assertPublicHost(host)).rejects.toThrow(/resolves to 127\.0\.0\.1 \(loopback\)/);
    }
  });

  describe('at connect', () => {
    const resolvingTo =
      (...addresses: string[]): ResolveAll =>
      (_hostname, _options, callback) =>
        callback(
          null,
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        );
    const lookup = (resolve: ResolveAll, all: boolean) =>
      new Promise<unknown>((resolvePromise, reject) =>
        guardLookup(resolve)('hooks.example.com', { all }, (error, address) =>
          error ? reject(error) : resolvePromise(address),
        ),
      );

    it.each([
      ['::ffff:0:7f00:1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:0:a00:5', 'private'],
      ['64:ff9b::a9fe:a9fe', 'link-local'],
      ['2002:c0a8:101::1', 'private'],
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
      ['fec0::1', 'private'],
      ['100::1', 'reserved'],
      ['0.0.0.0', 'unspecified'],
      ['192.0.0.170', 'reserved'],
    ])('refuses a name resolving to %s (%s)', async (address, reason) => {
      for (const all of [false, true]) {
        await expect(lookup(resolvingTo('93.184.215.14', address), all)).rejects.toThrow(
          new ForbiddenTargetError('hooks.example.com', address, reason),
        );
      }
    });

    it('passes a name resolving to public addresses only', async () => {
      await expect(lookup(resolvingTo('2606:4700::1', '93.184.215.14'), false)).resolves.toBe('2606:4700::1');
      await expect(lookup(resolvingTo('::ffff:8.8.8.8'), true)).resolves.toEqual([
        { address: '::ffff:8.8.8.8', family: 6 },
      ]);
    });

    it('refuses localhost through the real resolver', async () => {
      const error = await new Promise((resolve) => guardedLookup('localhost', {}, resolve));
      expect(error).toBeInstanceOf(ForbiddenTargetError);
    });

    it.each(['http://[::ffff:0:7f00:1]:9/hook', 'https://[::FFFF:0:127.0.0.1]:9/hook', 'http://0x7f.1:9/hook'])(
      'sends nothing to the literal %s',
      async (url) => {
        const outcome = await sendWebhook({ url, headers: {}, body: '{}', timeoutMs: 2000, guard: true });
        expect(outcome).toMatchObject({ statusCode: null, succeeded: false });
        expect(outcome.error).toMatch(/^refused: .* \(loopback\)$/);
      },
    );
  });
});
