import { trustProxySetting } from './http-app';

describe(trustProxySetting.name, () => {
  it.each([
    ['false', false],
    ['', false],
    ['true', true],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 127.0.0.1 ,::1', ['10.0.0.0/8', '127.0.0.1', '::1']],
    ['10.0.0.1,,', ['10.0.0.1']],
  ])('ARGUS_TRUST_PROXY=%j → %j', (value, expected) => {
    expect(trustProxySetting(value)).toEqual(expected);
  });
});
