import { startTopology, type Topology } from '@argus/testing';
import { connect, JSONCodec } from 'nats';
import { randomBytes } from 'node:crypto';
import { Browser, loginError, pageKind, type Hop } from '../support/browser-flow';
import { adminCall, adminToken, createClient, type CreatedClient } from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

const FAILURES_PER_ACCOUNT = 3;
const FAILURES_PER_ADDRESS = 30;
const LOCK_SECONDS = 4;
const REDIRECT_URI = 'https://rp.example.com/cb';
const WRONG_PASSWORD = 'not-the-password';

/** RFC 6749 §10.10: password guessing is limited per username and per address. */
describe.each(TOPOLOGIES)('sign-in lockout (%s)', (kind) => {
  let topology: Topology;
  let client: CreatedClient;
  let admin: string;

  beforeAll(async () => {
    topology = await startTopology(kind, {
      // Two authorization instances share the failure counts (distributed: one queue group).
      authorizationInstances: 2,
      env: {
        ARGUS_LOGIN_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
        ARGUS_LOGIN_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS),
        ARGUS_LOGIN_LOCK_SECONDS: String(LOCK_SECONDS),
      },
    });
    admin = await adminToken(topology);
    client = await createClient(topology, admin, { grant_types: ['authorization_code'], redirect_uris: [REDIRECT_URI], scope: 'openid', skip_consent: true });
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
  });

  async function newUser(): Promise<{ username: string; password: string }> {
    const user = { username: `lock-${randomBytes(4).toString('hex')}`, password: `pw-${randomBytes(8).toString('hex')}` };
    const created = await adminCall(topology, admin, 'POST', '/admin/users', user);
    expect(created.status).toBe(201);
    return user;
  }

  /** A fresh browser on the login page of a new authorization request. */
  async function loginPage(): Promise<{ browser: Browser; page: Hop }> {
    const browser = new Browser(topology.baseUrl);
    const first = await browser.authorize({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'st' });
    const page = await browser.followInternal(first);
    expect(pageKind(page)).toBe('login');
    return { browser, page };
  }

  /** Posts the form `times` times with these credentials; the login-error text of every answer. */
  async function failures(username: string, times: number): Promise<string[]> {
    const { browser, page } = await loginPage();
    const errors: string[] = [];
    for (let i = 0; i < times; i += 1) {
      const answer = await browser.submitLogin(page, username, WRONG_PASSWORD);
      expect(pageKind(answer)).toBe('login');
      errors.push(loginError(answer.html) ?? '');
    }
    return errors;
  }

  /** Signs in with the right password: the code, or the login-error shown instead. */
  async function signIn(username: string, password: string): Promise<{ code?: string; error?: string }> {
    const { browser, page } = await loginPage();
    const answer = await browser.submitLogin(page, username, password);
    if (answer.location?.startsWith(REDIRECT_URI)) return { code: new URL(answer.location).searchParams.get('code') ?? undefined };
    return { error: loginError(answer.html) };
  }

  /** Polls until the right password signs in again (the lock has a deadline, not a fixed wait). */
  async function waitUntilSignInWorks(username: string, password: string): Promise<{ code?: string }> {
    const deadline = Date.now() + (LOCK_SECONDS + 20) * 1000;
    for (;;) {
      const result = await signIn(username, password);
      if (result.code || Date.now() > deadline) return result;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it(`${FAILURES_PER_ACCOUNT} wrong passwords lock the username: the right one is refused with login-error until the lock ends`, async () => {
    const user = await newUser();
    const errors = await failures(user.username, FAILURES_PER_ACCOUNT);
    expect(errors.slice(0, -1)).toEqual(Array(FAILURES_PER_ACCOUNT - 1).fill('Invalid username or password.'));
    expect(errors.at(-1)).toMatch(/^Too many failed sign-in attempts/);
    const lockedAt = Date.now();

    const refused = await signIn(user.username, user.password);
    expect(refused.code).toBeUndefined();
    expect(refused.error).toMatch(/^Too many failed sign-in attempts/);
    // The lock is per username whatever its case, and not per login page or browser.
    expect((await signIn(user.username.toUpperCase(), user.password)).error).toMatch(/^Too many/);

    const after = await waitUntilSignInWorks(user.username, user.password);
    expect(after.code).toBeTruthy();
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual((LOCK_SECONDS - 1) * 1000);
  });

  it('an unknown username is counted and locked exactly like a known one (same messages)', async () => {
    const known = await newUser();
    const unknown = `nobody-${randomBytes(4).toString('hex')}`;
    const knownErrors = await failures(known.username, FAILURES_PER_ACCOUNT + 1);
    const unknownErrors = await failures(unknown, FAILURES_PER_ACCOUNT + 1);
    expect(unknownErrors.map(withoutMinutes)).toEqual(knownErrors.map(withoutMinutes));
    expect(unknownErrors.at(-1)).toMatch(/^Too many failed sign-in attempts/);
  });

  it('a successful sign-in ends the run of failures', async () => {
    const user = await newUser();
    await failures(user.username, FAILURES_PER_ACCOUNT - 1);
    expect((await signIn(user.username, user.password)).code).toBeTruthy();
    const again = await failures(user.username, FAILURES_PER_ACCOUNT - 1);
    expect(again).toEqual(Array(FAILURES_PER_ACCOUNT - 1).fill('Invalid username or password.'));
    expect((await signIn(user.username, user.password)).code).toBeTruthy();
  });

  it(`failures across many usernames lock the source address (at most ${FAILURES_PER_ADDRESS} per hour)`, async () => {
    const victim = await newUser();
    // Any earlier account lock of this file has ended: only the address count is left to reach.
    let locked = false;
    for (let i = 0; i < FAILURES_PER_ADDRESS && !locked; i += 1) {
      const [error] = await failures(`spray-${i}-${randomBytes(3).toString('hex')}`, 1);
      locked = /^Too many/.test(error);
    }
    expect(locked).toBe(true);
    // An account that never failed is refused from this address too, even with its password.
    expect((await signIn(victim.username, victim.password)).error).toMatch(/^Too many failed sign-in attempts/);
    expect((await waitUntilSignInWorks(victim.username, victim.password)).code).toBeTruthy();
  });

  if (kind === 'distributed') {
    it('a lock emits user.login_locked on JetStream, without the username or the password', async () => {
      const user = await newUser();
      const startedAt = Date.now();
      await failures(user.username, FAILURES_PER_ACCOUNT);
      const nats = await connect({ servers: topology.nats!.url });
      try {
        // The last lock event of this topology (strict audit: stored before the page answered).
        const manager = await nats.jetstreamManager();
        const stored = await manager.streams.getMessage(topology.nats!.stream, { last_by_subj: `${topology.nats!.subjectPrefix}.events.user.login_locked` });
        const event = JSONCodec<{ type: string; time: string; data: Record<string, unknown> }>().decode(stored.data);
        expect(Date.parse(event.time)).toBeGreaterThanOrEqual(startedAt - 1000);
        expect(event).toMatchObject({ type: 'argus.user.login_locked', data: { client_id: client.client_id, reason: 'account', lock_seconds: LOCK_SECONDS } });
        expect(typeof event.data.client_ip).toBe('string');
        const text = JSON.stringify(event);
        expect(text).not.toContain(user.username);
        expect(text).not.toContain(WRONG_PASSWORD);
      } finally {
        await nats.close();
      }
    });
  }
});

function withoutMinutes(message: string): string {
  return message.replace(/\d+ minutes?/, 'N minutes');
}
