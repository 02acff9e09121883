import { createHash } from 'node:crypto';
import { isValidCodeChallenge, verifiesS256 } from './pkce';

describe(verifiesS256.name, () => {
  // RFC 7636 Appendix B's example.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('accepts the RFC 7636 Appendix B pair', () => {
    expect(verifiesS256(verifier, challenge)).toBe(true);
    expect(isValidCodeChallenge(challenge)).toBe(true);
  });

  it.each([
    ['a different verifier', `${verifier.slice(0, -1)}Y`],
    ['a verifier shorter than 43 characters', 'abc'],
    ['a verifier with a forbidden character', `${verifier.slice(0, -1)}+`],
    ['the challenge itself (plain)', challenge],
  ])('refuses %s', (_name, candidate) => {
    expect(verifiesS256(candidate, challenge)).toBe(false);
  });

  it('accepts a 128-character verifier', () => {
    const long = 'a'.repeat(128);
    expect(verifiesS256(long, createHash('sha256').update(long).digest('base64url'))).toBe(true);
  });
});
