import { FailedAuthenticationThrottle } from './failed-authentication-throttle';

describe(FailedAuthenticationThrottle.name, () => {
  let now: number;
  let throttle: FailedAuthenticationThrottle;

  beforeEach(() => {
    now = 1_700_000_000_000;
    throttle = new FailedAuthenticationThrottle(3, () => now);
  });

  function fail(clientId: string, times: number) {
    for (let i = 0; i < times; i += 1) throttle.recordFailure(clientId);
  }

  it('does not throttle a client without failures', () => {
    expect(throttle.isThrottled('billing')).toBe(false);
  });

  it.each([
    [1, false],
    [2, false],
    [3, true],
    [10, true],
  ])('after %d failures in the window (limit 3) throttled is %s', (failures, expected) => {
    fail('billing', failures);
    expect(throttle.isThrottled('billing')).toBe(expected);
  });

  it('counts failures per client_id', () => {
    fail('billing', 3);
    expect(throttle.isThrottled('billing')).toBe(true);
    expect(throttle.isThrottled('reports')).toBe(false);
  });

  it('counts failures spread over the window from the first one', () => {
    throttle.recordFailure('billing');
    now += 30_000;
    throttle.recordFailure('billing');
    now += 29_000;
    throttle.recordFailure('billing');
    expect(throttle.isThrottled('billing')).toBe(true);
  });

  it('lets the client try again once the one-minute window has passed', () => {
    fail('billing', 3);
    now += 59_999;
    expect(throttle.isThrottled('billing')).toBe(true);
    now += 1;
    expect(throttle.isThrottled('billing')).toBe(false);
  });

  it('starts a new count when a failure arrives after the window', () => {
    fail('billing', 2);
    now += 60_000;
    fail('billing', 2);
    expect(throttle.isThrottled('billing')).toBe(false);
    throttle.recordFailure('billing');
    expect(throttle.isThrottled('billing')).toBe(true);
  });

  it('forgets a client on reset', () => {
    fail('billing', 3);
    throttle.reset('billing');
    expect(throttle.isThrottled('billing')).toBe(false);
  });
});
