import { describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri, redirectUriProblem, redirectWith } from './redirect-uri.js';

const strict = { allowInsecure: false };
const relaxed = { allowInsecure: true };

describe('redirect URI registration', () => {
  it('accepts https URIs, with a query of their own', () => {
    expect(redirectUriProblem('https://app.example.com/callback', strict)).toBeUndefined();
    expect(redirectUriProblem('https://app.example.com:8443/cb?tenant=7', strict)).toBeUndefined();
  });

  it('accepts loopback http in every environment (RFC 8252 §7.3)', () => {
    expect(redirectUriProblem('http://127.0.0.1:53123/callback', strict)).toBeUndefined();
    expect(redirectUriProblem('http://[::1]:53123/callback', strict)).toBeUndefined();
    expect(redirectUriProblem('http://localhost:3000/callback', strict)).toBeUndefined();
  });

  it('accepts other http hosts only in development and test', () => {
    expect(redirectUriProblem('http://app.example.com/callback', strict)).toMatch(/https/);
    expect(redirectUriProblem('http://app.example.com/callback', relaxed)).toBeUndefined();
    // A host merely starting like a loopback name is not one.
    expect(redirectUriProblem('http://127.0.0.1.evil.example/callback', strict)).toMatch(/https/);
    expect(redirectUriProblem('http://localhost.evil.example/callback', strict)).toMatch(/https/);
  });

  it('accepts reverse-domain private-use schemes of native apps (RFC 8252 §7.1)', () => {
    expect(redirectUriProblem('com.example.app:/oauth2redirect', strict)).toBeUndefined();
  });

  it('refuses fragments, user information, relative URIs and dangerous schemes', () => {
    expect(redirectUriProblem('https://app.example.com/cb#done', strict)).toMatch(/fragment/);
    expect(redirectUriProblem('https://app.example.com/cb#', strict)).toMatch(/fragment/);
    expect(redirectUriProblem('https://user:pw@app.example.com/cb', strict)).toMatch(/user information/);
    expect(redirectUriProblem('/callback', strict)).toMatch(/absolute/);
    expect(redirectUriProblem('javascript:alert(1)', relaxed)).toMatch(/private-use/);
    expect(redirectUriProblem('data:text/html,hi', relaxed)).toMatch(/private-use/);
    expect(redirectUriProblem('myapp:/callback', relaxed)).toMatch(/private-use/);
    expect(redirectUriProblem(' https://app.example.com/cb', strict)).toMatch(/whitespace/);
    expect(redirectUriProblem(`https://app.example.com/${'a'.repeat(2000)}`, strict)).toMatch(/longer/);
  });
});

describe('redirect URI matching', () => {
  const registered = ['https://app.example.com/callback', 'http://127.0.0.1:53123/cb'];

  it('matches exactly, nothing looser', () => {
    expect(isRegisteredRedirectUri(registered, 'https://app.example.com/callback')).toBe(true);
    for (const near of [
      'https://app.example.com/callback/',
      'https://app.example.com/callback?x=1',
      'https://APP.example.com/callback',
      'https://app.example.com/callback/../callback',
      'https://app.example.com:443/callback',
      'https://app.example.com/call',
      'https://app.example.com.evil.example/callback',
      'http://127.0.0.1:53124/cb',
    ]) {
      expect(isRegisteredRedirectUri(registered, near), near).toBe(false);
    }
  });

  it('adds the response to the registered query and leaves absent values out', () => {
    expect(redirectWith('https://app.example.com/cb?tenant=7', { code: 'abc', state: 'x y', iss: null })).toBe(
      'https://app.example.com/cb?tenant=7&code=abc&state=x+y',
    );
  });
});
