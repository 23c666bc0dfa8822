import { describe, expect, it } from 'vitest';
import { loginThrottleKeys } from '../../shared/auth/throttle.ts';

describe('loginThrottleKeys', () => {
  it('keys the username in its normalised form, then the client IP', () => {
    expect(loginThrottleKeys('  Ann@Example.COM ', '192.0.2.7')).toEqual([
      'user:ann@example.com',
      'ip:192.0.2.7',
    ]);
    expect(loginThrottleKeys('ann@example.com')).toEqual(['user:ann@example.com']);
    expect(loginThrottleKeys('ann@example.com', '')).toEqual(['user:ann@example.com']);
  });

  it('counts an IPv6 client per /64, however the address is written', () => {
    const key = 'ip:2001:db8:0:1::/64';
    for (const ip of ['2001:db8:0:1::1', '2001:0DB8:0000:0001:ffff:ffff:ffff:ffff', '2001:db8::1:0:0:0:9']) {
      expect(loginThrottleKeys('a@b.example', ip)[1], ip).toBe(key);
    }
    expect(loginThrottleKeys('a@b.example', '2001:db8:0:2::1')[1]).toBe('ip:2001:db8:0:2::/64');
    expect(loginThrottleKeys('a@b.example', '::1')[1]).toBe('ip:0:0:0:0::/64');
    expect(loginThrottleKeys('a@b.example', 'fe80::1%eth0')[1]).toBe('ip:fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(loginThrottleKeys('a@b.example', '::ffff:192.0.2.7')[1]).toBe('ip:192.0.2.7');
    expect(loginThrottleKeys('a@b.example', '::ffff:c000:207')[1]).toBe('ip:192.0.2.7');
  });
});
