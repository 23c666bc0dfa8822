import { describe, expect, it } from 'vitest';
import { sameOrigin, tokensMatch } from '../../shared/auth/csrf.ts';

describe('tokensMatch', () => {
  const token = 'q1Yv3cYV1b1Cjz3Vt1Wm3b4p9QkXG5kqfWcY4F3Y0xE';

  it('matches only the identical token', () => {
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(token, `${token.slice(0, -1)}F`)).toBe(false);
    expect(tokensMatch(token, token.slice(0, -1))).toBe(false);
    expect(tokensMatch(token, `${token}x`)).toBe(false);
    expect(tokensMatch(token, token.toLowerCase())).toBe(false);
  });

  it('never matches a missing or empty token, even against an empty expected one', () => {
    expect(tokensMatch(token, undefined)).toBe(false);
    expect(tokensMatch(token, '')).toBe(false);
    expect(tokensMatch('', '')).toBe(false);
  });
});

describe('sameOrigin', () => {
  const url = new URL('https://app.example.com/notes/new');
  const check = (headers: Record<string, string>, allowed?: string[]) =>
    sameOrigin(new Headers(headers), url, allowed);

  it('decides by Origin when present: ours or allowed passes, anything else fails', () => {
    expect(check({ origin: 'https://app.example.com' })).toBe(true);
    expect(check({ origin: 'https://APP.example.com:443' })).toBe(true);
    expect(check({ origin: 'https://evil.example' })).toBe(false);
    expect(check({ origin: 'http://app.example.com' })).toBe(false);
    expect(check({ origin: 'https://app.example.com:8443' })).toBe(false);
    expect(check({ origin: 'https://app.example.com.evil.example' })).toBe(false);
    expect(check({ origin: 'https://admin.example.com' }, ['https://admin.example.com'])).toBe(true);
    expect(check({ origin: 'https://admin.example.com' }, ['https://other.example.com'])).toBe(false);
  });

  it('refuses Origin: null and unparsable origins', () => {
    expect(check({ origin: 'null' })).toBe(false);
    expect(check({ origin: 'not a url' })).toBe(false);
    // An allowed list holding junk or 'null' must not let 'null' through.
    expect(check({ origin: 'null' }, ['null', 'junk'])).toBe(false);
  });

  it('lets Origin win over a Referer or Sec-Fetch-Site that would pass', () => {
    expect(
      check({
        origin: 'https://evil.example',
        referer: 'https://app.example.com/',
        'sec-fetch-site': 'same-origin',
      }),
    ).toBe(false);
  });

  it('without Origin, trusts only Sec-Fetch-Site: same-origin', () => {
    expect(check({ 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(check({ 'sec-fetch-site': 'same-site' })).toBe(false);
    expect(check({ 'sec-fetch-site': 'cross-site' })).toBe(false);
    expect(check({ 'sec-fetch-site': 'none' })).toBe(false);
    // A browser that says cross-site is believed even if a Referer claims otherwise.
    expect(check({ 'sec-fetch-site': 'cross-site', referer: 'https://app.example.com/x' })).toBe(false);
  });

  it('falls back to the Referer origin when neither Origin nor Sec-Fetch-Site is sent', () => {
    expect(check({ referer: 'https://app.example.com/notes?x=1' })).toBe(true);
    expect(check({ referer: 'https://evil.example/https://app.example.com/' })).toBe(false);
    expect(check({ referer: 'https://admin.example.com/' }, ['https://admin.example.com/'])).toBe(true);
    expect(check({ referer: 'garbage' })).toBe(false);
  });

  it('refuses a request with none of the three headers', () => {
    expect(check({})).toBe(false);
  });
});
