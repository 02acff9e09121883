import { Denylist } from './denylist';

describe(Denylist.name, () => {
  let denylist: Denylist;

  beforeEach(() => {
    denylist = new Denylist();
  });

  it('keys jti and grant_id entries apart', () => {
    expect(Denylist.jtiKey('abc')).toBe('jti:abc');
    expect(Denylist.grantKey('abc')).toBe('grant:abc');
    denylist.add(Denylist.jtiKey('abc'), 2000);
    expect(denylist.has(Denylist.jtiKey('abc'))).toBe(true);
    expect(denylist.has(Denylist.grantKey('abc'))).toBe(false);
  });

  it.each([
    [{ jti: 'revoked-jti' }, true],
    [{ jti: 'other-jti' }, false],
    [{ jti: 'other-jti', grant_id: 'revoked-grant' }, true], // a whole grant revoked (refresh reuse)
    [{ grant_id: 'revoked-grant' }, true],
    [{ grant_id: 'other-grant' }, false],
    [{ jti: 'revoked-grant' }, false], // a grant id is not a jti
    [{ grant_id: 'revoked-jti' }, false],
    [{}, false],
  ])('isRevoked(%j) → %s', (claims, expected) => {
    denylist.add(Denylist.jtiKey('revoked-jti'), 2000);
    denylist.add(Denylist.grantKey('revoked-grant'), 2000);
    expect(denylist.isRevoked(claims)).toBe(expected);
  });

  it('purges only entries whose token has expired', () => {
    denylist.add(Denylist.jtiKey('expired'), 999);
    denylist.add(Denylist.jtiKey('expires-now'), 1000);
    denylist.add(Denylist.grantKey('live'), 5000);
    expect(denylist.purgeExpired(1000)).toBe(1);
    expect(denylist.has(Denylist.jtiKey('expired'))).toBe(false);
    expect(denylist.has(Denylist.jtiKey('expires-now'))).toBe(true);
    expect(denylist.has(Denylist.grantKey('live'))).toBe(true);
    expect(denylist.size).toBe(2);
  });

  it('keeps the later expiry when the same key is added twice', () => {
    denylist.add(Denylist.grantKey('g'), 5000);
    denylist.add(Denylist.grantKey('g'), 1000);
    expect(denylist.purgeExpired(2000)).toBe(0);
    expect(denylist.isRevoked({ grant_id: 'g' })).toBe(true);
    expect(denylist.size).toBe(1);
  });
});
