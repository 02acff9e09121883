import type { UserRecord } from '@argus/contracts';
import { claimsForScope } from './claims';

const alice: UserRecord = {
  id: 'u1',
  username: 'alice',
  email: 'alice@example.com',
  email_verified: true,
  name: 'Alice A',
  given_name: 'Alice',
  family_name: 'A',
  phone_number: '+1 555 0100',
  phone_number_verified: false,
  roles: ['staff', 'billing-admin'],
  groups: ['eng', 'ops'],
  customer_id: 'c-42',
  customer_name: 'Acme',
  domain: 'acme.example',
  enabled: true,
  created_at: 1,
  updated_at: 2,
};

describe(claimsForScope.name, () => {
  it('releases only sub for openid alone', () => {
    expect(claimsForScope(alice, ['openid'])).toEqual({ sub: 'u1' });
  });

  it.each([
    ['profile', { name: 'Alice A', given_name: 'Alice', family_name: 'A', preferred_username: 'alice', updated_at: 2 }],
    ['email', { email: 'alice@example.com', email_verified: true }],
    ['phone', { phone_number: '+1 555 0100', phone_number_verified: false }],
    ['roles', { roles: ['staff', 'billing-admin'] }],
    ['groups', { groups: ['eng', 'ops'] }],
    ['groupstring', { groupstring: '["eng","ops"]' }],
    ['customer', { customer_id: 'c-42', customer_name: 'Acme', domain: 'acme.example' }],
  ])('scope %s releases its claims and nothing else', (scope, claims) => {
    expect(claimsForScope(alice, ['openid', scope])).toEqual({ sub: 'u1', ...claims });
  });

  it('leaves out absent values (no address on file)', () => {
    expect(claimsForScope(alice, ['openid', 'address'])).toEqual({ sub: 'u1' });
  });

  it('groupstring parses back to the groups array', () => {
    expect(JSON.parse(claimsForScope(alice, ['groupstring']).groupstring as string)).toEqual(alice.groups);
  });
});
