import { describe, expect, it } from 'vitest';
import { addressMatcher } from './address-match.js';
import { originAtGateway } from './origin.js';

describe('client address at the gateway', () => {
  const trusted = addressMatcher(['10.0.0.0/8']);

  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(originAtGateway('::ffff:203.0.113.9', { 'x-forwarded-for': '127.0.0.1' }).ipAddress).toBe('203.0.113.9');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    const headers = { 'x-forwarded-for': '1.2.3.4, 198.51.100.7, 10.0.0.5', 'user-agent': 'ua' };
    expect(originAtGateway('10.0.0.1', headers, trusted)).toEqual({
      ipAddress: '198.51.100.7',
      userAgent: 'ua',
      acceptLanguage: null,
    });
  });

  it('ignores X-Forwarded-For from an untrusted peer and garbage hops', () => {
    expect(originAtGateway('198.51.100.7', { 'x-forwarded-for': '1.2.3.4' }, trusted).ipAddress).toBe('198.51.100.7');
    expect(originAtGateway('10.0.0.1', { 'x-forwarded-for': 'not-an-ip' }, trusted).ipAddress).toBe('10.0.0.1');
  });
});
