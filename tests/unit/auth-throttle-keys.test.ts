import { describe, expect, it } from 'vitest';
import { loginRules } from '../../shared/auth/login.ts';
import { clientKey } from '../../shared/auth/throttle.ts';

const limits = { maxFailures: 5, windowSeconds: 900, slowdownSeconds: 10 };

describe('login throttle rules', () => {
  it('keys the account in its normalised form, per client, per client across accounts, and per account', () => {
    expect(loginRules('  Ann@Example.COM ', '192.0.2.7', limits)).toEqual([
      { key: 'login:ann@example.com|192.0.2.7', max: 5, windowSeconds: 900 },
      { key: 'login-client:192.0.2.7', max: 50, windowSeconds: 900 },
      { key: 'login-account:ann@example.com', max: 10, windowSeconds: 900, spacingSeconds: 10 },
    ]);
  });

  it('has only the account rule when the client is unknown', () => {
    expect(loginRules('ann@example.com', undefined, limits).map((rule) => rule.key)).toEqual([
      'login-account:ann@example.com',
    ]);
    expect(loginRules('ann@example.com', '', limits)).toHaveLength(1);
  });
});

describe('clientKey', () => {
  it('counts an IPv6 client per /64, however the address is written', () => {
    for (const ip of ['2001:db8:0:1::1', '2001:0DB8:0000:0001:ffff:ffff:ffff:ffff', '2001:db8::1:0:0:0:9']) {
      expect(clientKey(ip), ip).toBe('2001:db8:0:1::/64');
    }
    expect(clientKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('::ffff:c000:207')).toBe('192.0.2.7');
  });
});
