import { loadConfig } from './argus-config';
import { trustedProxies, TrustedProxyList } from './trusted-proxy-list';

describe(trustedProxies.name, () => {
  it.each([
    ['false', false],
    ['', false],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 127.0.0.1 ,::1', ['10.0.0.0/8', '127.0.0.1', '::1']],
    ['10.0.0.1,,', ['10.0.0.1']],
  ])('ARGUS_TRUST_PROXY=%j → %j', (value, expected) => {
    expect(trustedProxies(value)).toEqual(expected);
  });
});

describe(TrustedProxyList.name, () => {
  it.each(['false', '127.0.0.1', '10.0.0.0/8,192.168.1.1', 'fd00::/8, ::1', 'loopback,uniquelocal'])('accepts %j', (value) => {
    expect(loadConfig({ ARGUS_TRUST_PROXY: value }).ARGUS_TRUST_PROXY).toBe(value);
  });

  it.each(['true', 'TRUE', '1', 'yes', '10.0.0.0/33', '10.0.0.1/8/8', 'proxy.example.com', ',', '::1/129'])('refuses %j, naming the variable and the fix', (value) => {
    expect(() => loadConfig({ ARGUS_TRUST_PROXY: value })).toThrow(/ARGUS_TRUST_PROXY must be false or a comma-separated list of the proxy addresses\/CIDRs/);
  });

  it('explains why true is refused', () => {
    expect(() => loadConfig({ ARGUS_TRUST_PROXY: 'true' })).toThrow(/`true` is refused because it takes the left-most X-Forwarded-For entry/);
  });
});
