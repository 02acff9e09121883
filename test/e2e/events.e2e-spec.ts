import { startDistributed, type Topology } from '@argus/testing';
import { connect, JSONCodec, RetentionPolicy, StorageType, type NatsConnection } from 'nats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from '../support/browser-flow';
import { adminCall, adminToken, basic, clientCredentialsToken, createClient, postForm } from '../support/oauth-http';
import { eventually } from '../support/eventually';

interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: string;
  data: Record<string, unknown>;
}

/** Reads every message of the topology's stream, as an audit consumer would. */
async function readStream(nats: NatsConnection, stream: string): Promise<CloudEvent[]> {
  const manager = await nats.jetstreamManager();
  const info = await manager.streams.info(stream);
  const consumer = await nats.jetstream().consumers.get(stream);
  const events: CloudEvent[] = [];
  const codec = JSONCodec<CloudEvent>();
  while (events.length < info.state.messages) {
    const message = await consumer.next({ expires: 2000 });
    if (!message) break;
    events.push(codec.decode(message.data));
  }
  return events;
}

describe('audit events on JetStream (distributed)', () => {
  let topology: Topology;
  let nats: NatsConnection;

  beforeAll(async () => {
    topology = await startDistributed({ introspectionInstances: 1, logLevel: 'debug' });
    nats = await connect({ servers: topology.nats!.url });
  });

  afterAll(async () => {
    await nats?.close();
    await topology?.stop();
  });

  it('records token and client events as CloudEvents, never with a secret or a token', async () => {
    const admin = await adminToken(topology);
    const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'a b' });
    const token = await clientCredentialsToken(topology, client.client_id, client.client_secret, 'a');
    await postForm(`${topology.baseUrl}/oauth2/revoke`, { token }, { authorization: basic(client.client_id, client.client_secret) });
    await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { scope: 'a' });
    const rotated = await adminCall<{ client_secret: string }>(topology, admin, 'POST', `/admin/clients/${client.client_id}/secret`, { grace_period_seconds: 0 });
    await adminCall(topology, admin, 'DELETE', `/admin/clients/${client.client_id}`);

    const events = await readStream(nats, topology.nats!.stream);
    const mine = events.filter((e) => e.data.client_id === client.client_id);
    expect(mine.map((e) => e.type)).toEqual([
      'argus.client.created',
      'argus.token.issued',
      'argus.token.revoked',
      'argus.client.updated',
      'argus.client.secret_rotated',
      'argus.client.deleted',
    ]);
    const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti;
    const issued = mine.find((e) => e.type === 'argus.token.issued')!;
    expect(issued).toMatchObject({
      specversion: '1.0',
      source: '/argus/token',
      subject: jti,
      datacontenttype: 'application/json',
      data: { jti, client_id: client.client_id, sub: client.client_id, scope: 'a', grant_type: 'client_credentials' },
    });
    expect(typeof issued.data.client_ip).toBe('string');
    expect(new Date(issued.time).toISOString()).toBe(issued.time);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    const everything = JSON.stringify(events);
    for (const secret of [client.client_secret, rotated.body.client_secret, token, token.split('.')[2], topology.admin.clientSecret]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('records the sign-in events (login, consent, code replay, refresh, refresh reuse) without passwords, codes or tokens', async () => {
    const admin = await adminToken(topology);
    const password = `pw-${Date.now()}-secret`;
    const user = (await adminCall<{ id: string }>(topology, admin, 'POST', '/admin/users', { username: `ev-${Date.now()}`, password })).body;
    const username = (await adminCall<{ username: string }>(topology, admin, 'GET', `/admin/users/${user.id}`)).body.username;
    const client = await createClient(topology, admin, {
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://rp.example.com/cb'],
      scope: 'openid offline_access',
    });
    const browser = new Browser(topology.baseUrl);
    const authorize = { response_type: 'code', client_id: client.client_id, redirect_uri: 'https://rp.example.com/cb', scope: 'openid offline_access', state: 's' };
    const failed = await browser.signIn(authorize, { username, password: 'wrong-password' });
    expect(failed.callback).toBeUndefined();
    const flow = await browser.fresh().signIn(authorize, { username, password });
    const code = flow.params.code;
    const redeem = () => postForm<{ refresh_token: string; access_token: string }>(`${topology.baseUrl}/oauth2/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example.com/cb' }, { authorization: basic(client.client_id, client.client_secret) });
    const tokens = (await redeem()).body;
    const refresh = (token: string) => postForm<{ refresh_token: string }>(`${topology.baseUrl}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic(client.client_id, client.client_secret) });
    const refreshed = await refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await refresh(tokens.refresh_token)).status).toBe(400); // reuse
    expect((await redeem()).status).toBe(400); // code replay

    const events = await readStream(nats, topology.nats!.stream);
    const mine = events.filter((e) => e.data.client_id === client.client_id).map((e) => e.type);
    for (const type of ['argus.user.login_failed', 'argus.user.login_succeeded', 'argus.consent.granted', 'argus.token.issued', 'argus.token.refreshed', 'argus.token.refresh_reuse_detected', 'argus.token.code_replayed', 'argus.token.revoked']) {
      expect([type, mine.includes(type)]).toEqual([type, true]);
    }
    const everything = JSON.stringify(events);
    for (const secret of [password, 'wrong-password', code, tokens.access_token, tokens.refresh_token, refreshed.body.refresh_token, client.client_secret]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('carries the caller\'s request id across NATS into every service\'s JSON logs, and no secret', async () => {
    const admin = await adminToken(topology);
    const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'a' });
    const requestId = `trace-${Date.now()}`;
    const result = await postForm(`${topology.baseUrl}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret), 'x-request-id': requestId });
    expect(result.status).toBe(200);
    expect(result.headers.get('x-request-id')).toBe(requestId);
    const token = (result.body as { access_token: string }).access_token;
    for (const service of ['gateway', 'token', 'clients', 'keys']) {
      const jsonLines = () => readFileSync(join(topology.logDir, `${service}.log`), 'utf8').split('\n').filter((l) => l.startsWith('{'));
      const tagged = (lines: string[]) => lines.filter((l) => (JSON.parse(l) as { reqId?: string }).reqId === requestId);
      // The log files are written by the child processes' pipes: wait (bounded) until the line lands.
      const lines = await eventually(jsonLines, (current) => tagged(current).length > 0);
      expect([service, tagged(lines).length > 0]).toEqual([service, true]);
      const all = lines.join('\n');
      expect(all).not.toContain(client.client_secret);
      expect(all).not.toContain(token);
    }
  });

  it('strict audit: no token is handed out when JetStream cannot record its event', async () => {
    const admin = await adminToken(topology);
    const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'a' });
    const manager = await nats.jetstreamManager();
    const { config } = await manager.streams.info(topology.nats!.stream);
    await manager.streams.delete(topology.nats!.stream);
    try {
      const refused = await postForm(`${topology.baseUrl}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.body.access_token).toBeUndefined();
      expect(refused.body.error).toMatch(/server_error|temporarily_unavailable/);
    } finally {
      await manager.streams.add({ ...config, retention: RetentionPolicy.Limits, storage: StorageType.File });
    }
    expect(await clientCredentialsToken(topology, client.client_id, client.client_secret)).toMatch(/^ey/);
  });
});
