import { buildEvent, matchesType, shortType } from './event-bus';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(buildEvent.name, () => {
  // CloudEvents 1.0 required attributes: id, source, specversion, type; optional time, subject.
  it('builds a CloudEvents 1.0 envelope', () => {
    const before = Date.now();
    const event = buildEvent('clients', 'client.updated', 'billing', { client_id: 'billing', enabled: false });
    const after = Date.now();
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID),
      source: '/argus/clients',
      type: 'argus.client.updated',
      time: expect.any(String),
      subject: 'billing',
      datacontenttype: 'application/json',
      data: { client_id: 'billing', enabled: false },
    });
    expect(new Date(event.time).toISOString()).toBe(event.time); // RFC 3339
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(after);
  });

  it('gives every event its own id', () => {
    const ids = new Set(Array.from({ length: 50 }, () => buildEvent('token', 'token.issued', 'j', {}).id));
    expect(ids.size).toBe(50);
  });

  it('round-trips through shortType', () => {
    expect(shortType(buildEvent('token', 'token.revoked', 'j', {}))).toBe('token.revoked');
  });
});

describe(matchesType.name, () => {
  it.each([
    ['client.*', 'client.updated', true],
    ['client.*', 'token.issued', false],
    ['client.*', 'client', false],
    ['client.*', 'clientx.updated', false],
    ['token.issued', 'token.issued', true],
    ['token.issued', 'token.issued.extra', false],
  ])('%s matches %s: %s', (pattern, type, expected) => {
    expect(matchesType(pattern, type)).toBe(expected);
  });
});
