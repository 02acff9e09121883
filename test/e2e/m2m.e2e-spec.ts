import { startTopology, type Topology } from '@argus/testing';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { Issuer } from 'openid-client';
import {
  adminCall,
  adminToken,
  basic,
  clientCredentialsToken,
  createClient,
  introspect,
  jwtsSigned,
  metricValue,
  postForm,
  request,
  type CreatedClient,
  type TokenBody,
} from '../support/oauth-http';
import { TOPOLOGIES } from '../support/topologies';

describe.each(TOPOLOGIES)('machine-to-machine path (%s)', (kind) => {
  let topology: Topology;
  let admin: string;
  let service: CreatedClient;
  /** Registered with argus:introspect: may introspect other clients' tokens (RFC 7662 §4). */
  let resourceServer: CreatedClient;

  const tokenUrl = () => `${topology.baseUrl}/oauth2/token`;
  const issued = () => jwtsSigned(topology);

  beforeAll(async () => {
    topology = await startTopology(kind);
    admin = await adminToken(topology);
    service = await createClient(topology, admin, {
      client_name: 'billing',
      grant_types: ['client_credentials'],
      scope: 'api:read api:write',
    });
    resourceServer = await createClient(topology, admin, { client_name: 'resource server', grant_types: ['client_credentials'], scope: 'argus:introspect' });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  describe('discovery and JWKS', () => {
    it('lists exactly the endpoints that exist, each answering', async () => {
      const { status, body } = await request(`${topology.baseUrl}/.well-known/openid-configuration`);
      expect(status).toBe(200);
      expect(body.issuer).toBe(topology.baseUrl);
      expect(body.token_endpoint).toBe(`${topology.baseUrl}/oauth2/token`);
      expect(body.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
      const rfc8414 = await request(`${topology.baseUrl}/.well-known/oauth-authorization-server`);
      expect(rfc8414.body).toEqual(body);
      // Each listed endpoint answers its own method with what an empty request deserves there (an
      // endpoint missing from this table fails the test: list what it should answer).
      const emptyRequestAnswers: Record<string, [method: string, status: number, error?: string]> = {
        authorization_endpoint: ['GET', 400],
        token_endpoint: ['POST', 400, 'invalid_request'],
        introspection_endpoint: ['POST', 400, 'invalid_request'],
        revocation_endpoint: ['POST', 400, 'invalid_request'],
        userinfo_endpoint: ['GET', 401, 'invalid_token'],
        end_session_endpoint: ['GET', 200],
        jwks_uri: ['GET', 200],
      };
      const listed = Object.keys(body).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri');
      expect(listed.sort()).toEqual(Object.keys(emptyRequestAnswers).sort());
      for (const key of listed) {
        const [method, status, error] = emptyRequestAnswers[key];
        const probe = await request(body[key] as string, { method, redirect: 'manual' });
        expect([key, probe.status]).toEqual([key, status]);
        if (error) expect([key, probe.body.error]).toEqual([key, error]);
      }
    });

    it('publishes an ES256 and an RS256 public key under their RFC 7638 thumbprints, cacheable', async () => {
      const { status, headers, body } = await request<{ keys: (JWK & { kid: string })[] }>(`${topology.baseUrl}/.well-known/jwks.json`);
      expect(status).toBe(200);
      expect(headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(body.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const key of body.keys) {
        expect(key.kid).toBe(await calculateJwkThumbprint(key, 'sha256'));
        for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privateMember);
      }
    });
  });

  describe('a real OAuth client library and a resource server', () => {
    it('discovers, gets a token, verifies it offline, introspects, revokes', async () => {
      const issuer = await Issuer.discover(topology.baseUrl);
      const client = new issuer.Client({ client_id: service.client_id, client_secret: service.client_secret, token_endpoint_auth_method: 'client_secret_basic' });
      const tokenSet = await client.grant({ grant_type: 'client_credentials', scope: 'api:read' });
      expect(tokenSet.token_type?.toLowerCase()).toBe('bearer');
      expect(tokenSet.scope).toBe('api:read');
      expect(tokenSet.expires_in).toBeGreaterThan(0);

      // A resource server trusts the JWKS, not the IdP's word.
      const jwks = createRemoteJWKSet(new URL(issuer.metadata.jwks_uri!));
      const { payload, protectedHeader } = await jwtVerify(tokenSet.access_token!, jwks, { issuer: topology.baseUrl, typ: 'at+jwt' });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ sub: service.client_id, client_id: service.client_id, scope: 'api:read', aud: topology.baseUrl });
      expect(payload.exp! - payload.iat!).toBe(900);
      expect(typeof payload.jti).toBe('string');

      const active = await client.introspect(tokenSet.access_token!);
      expect(active).toMatchObject({ active: true, client_id: service.client_id, scope: 'api:read', jti: payload.jti, token_type: 'Bearer' });

      await client.revoke(tokenSet.access_token!);
      expect(await client.introspect(tokenSet.access_token!)).toEqual({ active: false });
    });

    it('answers client_secret_post too', async () => {
      const { status, body, headers } = await postForm<TokenBody>(tokenUrl(), {
        grant_type: 'client_credentials',
        client_id: service.client_id,
        client_secret: service.client_secret,
      });
      // Registered for client_secret_basic (the default), it may still post its secret: both secret methods are accepted.
      expect(status).toBe(200);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(body.scope).toBe('api:read api:write');

      const postClient = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'a', token_endpoint_auth_method: 'client_secret_post' });
      const ok = await postForm<TokenBody>(tokenUrl(), { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: postClient.client_secret });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('cache-control')).toBe('no-store');
      expect(ok.body.scope).toBe('a');
    });
  });

  describe('token endpoint: bad input gets the RFC error and issues nothing', () => {
    let disabled: CreatedClient;
    let fenced: CreatedClient;

    beforeAll(async () => {
      disabled = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x', enabled: false });
      fenced = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x', allowed_ip_ranges: ['10.20.0.0/16'] });
    });

    type Case = [string, () => { form: Record<string, string> | string; headers?: Record<string, string>; contentType?: string }, number, string, RegExp?];
    const cases: Case[] = [
      ['wrong secret', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: basic(service.client_id, 'not-the-secret') } }), 401, 'invalid_client'],
      ['missing secret', () => ({ form: { grant_type: 'client_credentials', client_id: service.client_id } }), 401, 'invalid_client'],
      ['no client authentication', () => ({ form: { grant_type: 'client_credentials' } }), 401, 'invalid_client'],
      ['unknown client', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: basic('no-such-client', 'x'.repeat(43)) } }), 401, 'invalid_client'],
      ['malformed Basic header', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: 'Basic %%%not-base64' } }), 400, 'invalid_request', /base64/],
      ['Basic without a colon', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from('justanid').toString('base64')}` } }), 400, 'invalid_request'],
      ['both Basic and post credentials', () => ({ form: { grant_type: 'client_credentials', client_secret: service.client_secret }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_request', /both/],
      ['repeated parameter', () => ({ form: 'grant_type=client_credentials&scope=api%3Aread&scope=api%3Awrite', headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_request', /scope/],
      ['JSON body instead of a form', () => ({ form: JSON.stringify({ grant_type: 'client_credentials' }), contentType: 'application/json', headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_request', /x-www-form-urlencoded/],
      ['oversized body', () => ({ form: `grant_type=client_credentials&pad=${'a'.repeat(70_000)}`, headers: { authorization: basic(service.client_id, service.client_secret) } }), 413, 'invalid_request', /too large/],
      ['missing grant_type', () => ({ form: { scope: 'api:read' }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_request', /grant_type/],
      ['unsupported grant type', () => ({ form: { grant_type: 'urn:example:magic' }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'unsupported_grant_type'],
      ['grant not registered for the client', () => ({ form: { grant_type: 'authorization_code', code: 'x' }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'unauthorized_client'],
      ['scope not allowed', () => ({ form: { grant_type: 'client_credentials', scope: 'api:read admin:everything' }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_scope', /admin:everything/],
      ['scope with an invalid character', () => ({ form: { grant_type: 'client_credentials', scope: 'api:read "quoted"' }, headers: { authorization: basic(service.client_id, service.client_secret) } }), 400, 'invalid_request', /scope/],
      ['disabled client', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: basic(disabled.client_id, disabled.client_secret) } }), 401, 'invalid_client', /disabled/],
      ['source IP outside allowed_ip_ranges', () => ({ form: { grant_type: 'client_credentials' }, headers: { authorization: basic(fenced.client_id, fenced.client_secret) } }), 401, 'invalid_client', /address/],
    ];

    // Every row gets five cells: a shorter row would make jest treat the last parameter as `done`.
    it.each(cases.map((c) => [c[0], c[1], c[2], c[3], c[4] ?? null] as const))('%s', async (_name, build, status, error, description) => {
      const before = await issued();
      const { form, headers = {}, contentType } = build();
      const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
      const result = await request<TokenBody>(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded', ...headers },
        body,
      });
      expect(result.status).toBe(status);
      expect(result.body.error).toBe(error);
      expect(typeof result.body.error_description).toBe('string');
      if (description) expect(result.body.error_description).toMatch(description);
      expect(result.body.access_token).toBeUndefined();
      expect(result.headers.get('cache-control')).toBe('no-store');
      if (status === 401 && headers.authorization?.startsWith('Basic')) expect(result.headers.get('www-authenticate')).toBe('Basic realm="argus"');
      expect(await issued()).toBe(before);
    });

    it('client_credentials for a client registered only for authorization_code is unauthorized_client', async () => {
      const codeOnly = await createClient(topology, admin, { grant_types: ['authorization_code'], redirect_uris: ['https://app.example.com/cb'] });
      const result = await postForm<TokenBody>(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic(codeOnly.client_id, codeOnly.client_secret) });
      expect(result.status).toBe(400);
      expect(result.body.error).toBe('unauthorized_client');
    });

    it('allowed_ip_ranges admits the client from inside the range', async () => {
      const local = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x', allowed_ip_ranges: ['127.0.0.0/8', '::1/128'] });
      expect(await clientCredentialsToken(topology, local.client_id, local.client_secret)).toMatch(/^ey/);
    });
  });

  describe('introspection and revocation', () => {
    it('requires client authentication', async () => {
      const token = await clientCredentialsToken(topology, service.client_id, service.client_secret);
      const anonymous = await postForm(`${topology.baseUrl}/oauth2/introspect`, { token });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      const wrong = await postForm(`${topology.baseUrl}/oauth2/introspect`, { token }, { authorization: basic(service.client_id, 'wrong') });
      expect(wrong.status).toBe(401);
    });

    it('answers {"active": false} for garbage, tampered, foreign and unsigned tokens', async () => {
      const token = await clientCredentialsToken(topology, service.client_id, service.client_secret);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, scope: 'api:read api:write root' })).toString('base64url')}.${signature}`;
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
      const { SignJWT, generateKeyPair } = await import('jose');
      const foreignKey = await generateKeyPair('ES256');
      const foreignIssuer = await new SignJWT({ ...claims, iss: 'https://evil.example.com' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: decodeProtectedHeader(token).kid })
        .sign(foreignKey.privateKey);
      for (const candidate of ['garbage', 'a.b.c', tampered, unsigned, foreignIssuer, `${token}x`]) {
        expect(await introspect(topology, service.client_id, service.client_secret, candidate)).toEqual({ active: false });
      }
      expect((await introspect(topology, service.client_id, service.client_secret, token)).active).toBe(true);
    });

    it('revocation: unknown tokens succeed (RFC 7009 §2.2), another client\'s token is refused', async () => {
      const other = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x' });
      const token = await clientCredentialsToken(topology, service.client_id, service.client_secret);
      const garbage = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token: 'garbage' }, { authorization: basic(service.client_id, service.client_secret) });
      expect(garbage.status).toBe(200);
      const foreign = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token }, { authorization: basic(other.client_id, other.client_secret) });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toBe('unauthorized_client');
      expect((await introspect(topology, service.client_id, service.client_secret, token)).active).toBe(true);
      const missing = await postForm(`${topology.baseUrl}/oauth2/revoke`, {}, { authorization: basic(service.client_id, service.client_secret) });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
    });

    it('a revoked token is inactive on every later introspection, whichever instance answers', async () => {
      for (let i = 0; i < 10; i += 1) {
        const token = await clientCredentialsToken(topology, service.client_id, service.client_secret);
        const revoked = await postForm(`${topology.baseUrl}/oauth2/revoke`, { token }, { authorization: basic(service.client_id, service.client_secret) });
        expect(revoked.status).toBe(200);
        const answers = await Promise.all(Array.from({ length: 8 }, () => introspect(topology, service.client_id, service.client_secret, token)));
        expect(answers).toEqual(Array(8).fill({ active: false }));
      }
      if (kind === 'distributed') {
        // Both introspection instances took part, so the check above crossed instances.
        for (const name of ['introspection-1', 'introspection-2']) {
          expect(await metricValue(topology.processes[name], 'argus_rpc_handled_total', { subject: `${topology.nats!.subjectPrefix}.introspection.introspect` })).toBeGreaterThan(0);
          expect(await metricValue(topology.processes[name], 'argus_rpc_handled_total', { subject: `${topology.nats!.subjectPrefix}.introspection.revoke` })).toBeGreaterThan(0);
        }
      }
    });

    it('tokens of a disabled client are inactive at once, and active again when re-enabled', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x' });
      const token = await clientCredentialsToken(topology, client.client_id, client.client_secret);
      expect((await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).active).toBe(true);
      expect((await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { enabled: false })).status).toBe(200);
      for (let i = 0; i < 6; i += 1) expect(await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).toEqual({ active: false });
      expect((await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { enabled: true })).status).toBe(200);
      expect((await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).active).toBe(true);
    });

    it('tokens of a deleted client are inactive at once', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x' });
      const token = await clientCredentialsToken(topology, client.client_id, client.client_secret);
      expect((await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).active).toBe(true);
      expect((await adminCall(topology, admin, 'DELETE', `/admin/clients/${client.client_id}`)).status).toBe(204);
      for (let i = 0; i < 6; i += 1) expect(await introspect(topology, resourceServer.client_id, resourceServer.client_secret, token)).toEqual({ active: false });
      const again = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
      expect(again.status).toBe(401);
    });
  });

  describe('admin client API', () => {
    it('refuses requests without a token (401) and with a non-admin token (403)', async () => {
      const none = await adminCall(topology, undefined, 'GET', '/admin/clients');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const junk = await adminCall(topology, 'not.a.token', 'GET', '/admin/clients');
      expect(junk.status).toBe(401);
      expect(junk.body.error).toBe('invalid_token');
      const plain = await clientCredentialsToken(topology, service.client_id, service.client_secret);
      const forbidden = await adminCall(topology, plain, 'POST', '/admin/clients', { grant_types: ['client_credentials'] });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error).toBe('insufficient_scope');
    });

    it('a revoked admin token stops working at once', async () => {
      const token = await adminToken(topology);
      expect((await adminCall(topology, token, 'GET', '/admin/clients?limit=1')).status).toBe(200);
      await postForm(`${topology.baseUrl}/oauth2/revoke`, { token }, { authorization: basic(topology.admin.clientId, topology.admin.clientSecret) });
      expect((await adminCall(topology, token, 'GET', '/admin/clients?limit=1')).status).toBe(401);
    });

    it('creates, reads, pages, updates and deletes clients; the secret is shown once', async () => {
      const created = await createClient(topology, admin, {
        client_name: 'reports',
        grant_types: ['client_credentials'],
        scope: 'reports:read',
        access_token_ttl: 120,
        contacts: ['ops@example.com'],
        software_id: 'reports-svc',
        unknown_member: 'ignored',
      });
      expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created).toMatchObject({ client_name: 'reports', token_endpoint_auth_method: 'client_secret_basic', access_token_ttl: 120, software_id: 'reports-svc', enabled: true });
      expect(created).not.toHaveProperty('unknown_member');

      const read = await adminCall(topology, admin, 'GET', `/admin/clients/${created.client_id}`);
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(created.client_secret);
      expect(read.text).not.toMatch(/argon2|secret_hash/);

      const token = await clientCredentialsToken(topology, created.client_id, created.client_secret);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(120);

      const patched = await adminCall(topology, admin, 'PATCH', `/admin/clients/${created.client_id}`, { scope: 'reports:read reports:write' });
      expect(patched.status).toBe(200);
      expect(patched.body.scope).toBe('reports:read reports:write');
      expect(patched.body.client_name).toBe('reports');

      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await adminCall<{ items: { client_id: string }[]; next_cursor?: string }>(topology, admin, 'GET', `/admin/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        for (const item of page.body.items) {
          expect(seen.has(item.client_id)).toBe(false);
          seen.add(item.client_id);
        }
        expect(page.text).not.toMatch(/client_secret"/);
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor && pages < 100);
      expect(seen.has(created.client_id)).toBe(true);
      expect(seen.has(service.client_id)).toBe(true);
      expect(pages).toBeGreaterThan(1);

      expect((await adminCall(topology, admin, 'DELETE', `/admin/clients/${created.client_id}`)).status).toBe(204);
      expect((await adminCall(topology, admin, 'GET', `/admin/clients/${created.client_id}`)).status).toBe(404);
      expect((await adminCall(topology, admin, 'DELETE', `/admin/clients/${created.client_id}`)).status).toBe(404);
    });

    it('rotates a secret with a grace period for the previous one', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x' });
      await clientCredentialsToken(topology, client.client_id, client.client_secret); // cached as verified
      const rotated = await adminCall<{ client_secret: string; previous_secret_valid_until: number }>(topology, admin, 'POST', `/admin/clients/${client.client_id}/secret`, { grace_period_seconds: 300 });
      expect(rotated.status).toBe(200);
      expect(rotated.body.client_secret).not.toBe(client.client_secret);
      expect(rotated.body.previous_secret_valid_until).toBeGreaterThan(Date.now() / 1000 + 290);
      expect(await clientCredentialsToken(topology, client.client_id, rotated.body.client_secret)).toMatch(/^ey/);
      expect(await clientCredentialsToken(topology, client.client_id, client.client_secret)).toMatch(/^ey/);

      const again = await adminCall<{ client_secret: string }>(topology, admin, 'POST', `/admin/clients/${client.client_id}/secret`, { grace_period_seconds: 0 });
      const old = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, rotated.body.client_secret) });
      expect(old.status).toBe(401);
      expect(await clientCredentialsToken(topology, client.client_id, again.body.client_secret)).toMatch(/^ey/);
    });

    type MetadataCase = [string, Record<string, unknown>, string, RegExp];
    const invalidMetadata: MetadataCase[] = [
      ['relative redirect URI', { redirect_uris: ['/callback'] }, 'invalid_redirect_uri', /redirect_uris/],
      ['redirect URI with a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri', /fragment/],
      ['http redirect URI on a public host', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri', /https/],
      ['unknown grant type', { grant_types: ['password'] }, 'invalid_client_metadata', /grant_types/],
      ['unknown auth method', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt_v9' }, 'invalid_client_metadata', /token_endpoint_auth_method/],
      ['bad jwks_uri', { grant_types: ['client_credentials'], jwks_uri: 'not a url' }, 'invalid_client_metadata', /jwks_uri/],
      ['bad CIDR', { grant_types: ['client_credentials'], allowed_ip_ranges: ['10.0.0.0/99'] }, 'invalid_client_metadata', /allowed_ip_ranges/],
      ['access_token_ttl out of range', { grant_types: ['client_credentials'], access_token_ttl: 5 }, 'invalid_client_metadata', /access_token_ttl/],
      ['public client with client_credentials', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata', /public/],
      ['invalid scope', { grant_types: ['client_credentials'], scope: 'a "b"' }, 'invalid_client_metadata', /scope/],
    ];

    it.each(invalidMetadata)('rejects %s and stores nothing', async (_name, metadata, error, description) => {
      const countBefore = await countClients(topology, admin);
      const result = await adminCall(topology, admin, 'POST', '/admin/clients', metadata);
      expect(result.status).toBe(400);
      expect(result.body.error).toBe(error);
      expect(result.body.error_description).toMatch(description);
      expect(await countClients(topology, admin)).toBe(countBefore);
    });

    it('a rejected PATCH changes nothing', async () => {
      const client = await createClient(topology, admin, { grant_types: ['client_credentials'], scope: 'x' });
      const bad = await adminCall(topology, admin, 'PATCH', `/admin/clients/${client.client_id}`, { scope: 'y', grant_types: ['password'] });
      expect(bad.status).toBe(400);
      const read = await adminCall(topology, admin, 'GET', `/admin/clients/${client.client_id}`);
      expect(read.body.scope).toBe('x');
    });

    it('serves the OpenAPI document at /docs', async () => {
      const json = await request(`${topology.baseUrl}/docs-json`);
      expect(json.status).toBe(200);
      expect(Object.keys(json.body.paths as object)).toEqual(expect.arrayContaining(['/admin/clients', '/admin/clients/{client_id}', '/oauth2/token']));
      expect((await fetch(`${topology.baseUrl}/docs`)).status).toBe(200);
    });
  });

  describe('operations', () => {
    it('serves /healthz, /readyz and Prometheus /metrics on every process', async () => {
      for (const opsUrl of Object.values(topology.processes)) {
        expect((await request(`${opsUrl}/healthz`)).status).toBe(200);
        const ready = await request<{ status: string; info: Record<string, unknown> }>(`${opsUrl}/readyz`);
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('ok');
        const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
        expect(metrics).toContain('process_cpu_user_seconds_total');
      }
      const gateway = topology.processes[kind === 'standalone' ? 'standalone' : 'gateway'];
      expect(await metricValue(gateway, 'argus_tokens_issued_total', { grant_type: 'client_credentials' })).toBeGreaterThan(0);
      expect(await metricValue(gateway, 'argus_oauth_errors_total', { error: 'invalid_client' })).toBeGreaterThan(0);
      expect(await metricValue(gateway, 'argus_http_request_duration_seconds_count', { route: '/oauth2/token' })).toBeGreaterThan(0);
    });

    it('echoes the caller\'s request id', async () => {
      const result = await request(`${topology.baseUrl}/.well-known/jwks.json`, { headers: { 'x-request-id': 'trace-abc-123' } });
      expect(result.headers.get('x-request-id')).toBe('trace-abc-123');
    });
  });
});

async function countClients(topology: Topology, admin: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await adminCall<{ items: unknown[]; next_cursor?: string }>(topology, admin, 'GET', `/admin/clients?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    count += page.body.items.length;
    cursor = page.body.next_cursor;
  } while (cursor);
  return count;
}
