import type { ClientMetadata } from '@argus/contracts';
import { inspect } from 'node:util';
import { allowedIpList, ClientAuthCache, ipAllowed, type ClientAuthRecord } from './client-auth-cache';

const METADATA: ClientMetadata = {
  redirect_uris: [],
  grant_types: ['client_credentials'],
  response_types: [],
  scope: 'api:read',
  token_endpoint_auth_method: 'client_secret_basic',
  post_logout_redirect_uris: [],
  contacts: [],
  allowed_ip_ranges: [],
  skip_consent: false,
  enabled: true,
};

function record(clientId: string): ClientAuthRecord {
  return { clientId, metadata: METADATA, secretHash: '$argon2id$...', previousSecretHash: null, previousSecretExpiresAt: null, allowedIps: null };
}

describe(ClientAuthCache.name, () => {
  let now: number;
  let cache: ClientAuthCache;

  beforeEach(() => {
    now = 1_700_000_000_000;
    cache = new ClientAuthCache(300, () => now);
  });

  it('returns a record it was given', () => {
    const billing = record('billing');
    cache.put(billing);
    expect(cache.get('billing')).toBe(billing);
    expect(cache.get('reports')).toBeUndefined();
  });

  it('forgets a record when its TTL has passed', () => {
    cache.put(record('billing'));
    now += 299_999;
    expect(cache.get('billing')).toBeDefined();
    now += 1;
    expect(cache.get('billing')).toBeUndefined();
  });

  it('remembers a verified secret only for that client and that secret', () => {
    cache.put(record('billing'));
    cache.put(record('reports'));
    expect(cache.isVerified('billing', 'right')).toBe(false);
    cache.rememberVerified('billing', 'right');
    expect(cache.isVerified('billing', 'right')).toBe(true);
    expect(cache.isVerified('billing', 'wrong')).toBe(false);
    expect(cache.isVerified('billing', 'right ')).toBe(false);
    expect(cache.isVerified('reports', 'right')).toBe(false);
  });

  it('does not confuse client_id/secret splits (billing + "x:y" vs "billing\\0x" + "y")', () => {
    cache.put(record('billing'));
    cache.put(record('billingx'));
    cache.rememberVerified('billing', 'xy');
    expect(cache.isVerified('billingx', 'y')).toBe(false);
  });

  it('forgets verified secrets when the TTL has passed', () => {
    cache.put(record('billing'));
    cache.rememberVerified('billing', 'right');
    now += 300_000;
    expect(cache.isVerified('billing', 'right')).toBe(false);
  });

  it('keeps only an HMAC of a verified secret, never the secret itself', () => {
    const secret = 'Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZS0xMjM0NTY3';
    cache.put(record('billing'));
    cache.rememberVerified('billing', secret);
    expect(inspect(cache, { depth: 10, showHidden: true })).not.toContain(secret);
  });

  it('does not remember a secret for a client that is not cached', () => {
    cache.rememberVerified('billing', 'right');
    cache.put(record('billing'));
    expect(cache.isVerified('billing', 'right')).toBe(false);
  });

  // DESIGN.md: dropped at once on rotation, disable or delete.
  it('forgets the record and its verified secrets on drop', () => {
    cache.put(record('billing'));
    cache.rememberVerified('billing', 'right');
    cache.drop('billing');
    expect(cache.get('billing')).toBeUndefined();
    expect(cache.isVerified('billing', 'right')).toBe(false);
    cache.put(record('billing'));
    expect(cache.isVerified('billing', 'right')).toBe(false);
  });

  it('caches nothing when the TTL is 0', () => {
    const disabled = new ClientAuthCache(0, () => now);
    disabled.put(record('billing'));
    disabled.rememberVerified('billing', 'right');
    expect(disabled.get('billing')).toBeUndefined();
    expect(disabled.isVerified('billing', 'right')).toBe(false);
  });
});

describe(allowedIpList.name, () => {
  it('allows any address when no ranges are registered', () => {
    expect(allowedIpList([])).toBeNull();
    expect(ipAllowed(null, '203.0.113.9')).toBe(true);
    expect(ipAllowed(null, '2001:db8::1')).toBe(true);
  });
});

describe(ipAllowed.name, () => {
  it.each([
    [['10.0.0.0/8'], '10.1.2.3', true],
    [['10.0.0.0/8'], '10.255.255.255', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true], // IPv4-mapped IPv6 (dual-stack sockets)
    [['10.0.0.0/8'], '::FFFF:10.1.2.3', true],
    [['10.0.0.0/8'], '::ffff:11.0.0.1', false],
    [['192.168.1.10'], '192.168.1.10', true], // a single address
    [['192.168.1.10'], '192.168.1.11', false],
    [['192.168.1.10/32'], '192.168.1.10', true],
    [['2001:db8::/32'], '2001:db8:1::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['2001:db8::/32'], '10.0.0.1', false],
    [['::1'], '::1', true],
    [['::1'], '::2', false],
    [['10.0.0.0/8', '2001:db8::/32'], '2001:db8::5', true],
    [['10.0.0.0/8', '2001:db8::/32'], '10.9.9.9', true],
    [['10.0.0.0/8', '2001:db8::/32'], '172.16.0.1', false],
    [['0.0.0.0/0'], '198.51.100.7', true],
    [['10.0.0.0/8'], 'not-an-ip', false],
    [['10.0.0.0/8'], '', false],
  ])('ranges %j, address %j → %s', (ranges, address, expected) => {
    expect(ipAllowed(allowedIpList(ranges), address)).toBe(expected);
  });
});
