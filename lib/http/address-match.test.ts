import { describe, expect, it } from 'vitest';
import { addressMatcher, globMatcher, parseCidr } from './address-match.js';

describe('address ranges', () => {
  it('match IPv4 and IPv6 CIDRs and single addresses', () => {
    const allowed = addressMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(allowed('10.20.30.40')).toBe(true);
    expect(allowed('::ffff:10.20.30.40')).toBe(true);
    expect(allowed('11.0.0.1')).toBe(false);
    expect(allowed('192.168.1.7')).toBe(true);
    expect(allowed('192.168.1.8')).toBe(false);
    expect(allowed('2001:db8:ffff::1')).toBe(true);
    expect(allowed('2001:db9::1')).toBe(false);
    expect(allowed('not-an-ip')).toBe(false);
  });

  it('reject malformed entries', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'fe80::/129', '1.2.3.4/x', 'example.com']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
    expect(parseCidr('::1')).toEqual({ network: '::1', prefix: 128, family: 'ipv6' });
  });
});

describe('path globs', () => {
  it('match within and across segments', () => {
    const allowed = globMatcher(['/internal/systems', '/internal/permissions/*/snapshot', '/internal/idp/**']);
    expect(allowed('/internal/systems')).toBe(true);
    expect(allowed('/internal/systems/x')).toBe(false);
    expect(allowed('/internal/permissions/abc/snapshot')).toBe(true);
    expect(allowed('/internal/permissions/a/b/snapshot')).toBe(false);
    expect(allowed('/internal/idp/users/ensure')).toBe(true);
    expect(allowed('/internal/members')).toBe(false);
    expect(globMatcher(['/internal/a.b'])('/internal/aXb')).toBe(false);
  });
});
