import { settingDifferences } from './shared-settings.check';

describe(settingDifferences.name, () => {
  const self = { process: 'gateway@h:1', settings: { ARGUS_ISSUER: 'https://id.example.com' } };

  it('finds nothing when a peer agrees', () => {
    expect(settingDifferences(self, { process: 'token@h:2', settings: { ARGUS_ISSUER: 'https://id.example.com' } })).toEqual([]);
  });

  it('names the setting, both values and the peer when one differs', () => {
    expect(settingDifferences(self, { process: 'token@h:2', settings: { ARGUS_ISSUER: 'http://localhost:3000' } })).toEqual([
      'ARGUS_ISSUER is "https://id.example.com" here but "http://localhost:3000" at token@h:2',
    ]);
  });

  it('treats a peer that sends no settings as different', () => {
    expect(settingDifferences(self, { process: 'old@h:3' } as never)).toEqual(['ARGUS_ISSUER is "https://id.example.com" here but undefined at old@h:3']);
  });
});
