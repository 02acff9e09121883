import { appEntry, appEnvironment, freePort, startTopology, type Topology } from '@argus/testing';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adminCall, basic, clientCredentialsToken, createClient, postForm, type TokenBody } from '../support/oauth-http';
import { logLines } from '../support/log-lines';
import { pollUntil } from '../support/poll';
import { TOPOLOGIES } from '../support/topologies';
import { runNode, type Run } from '../support/run-node';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/** Starts standalone, calls `ask` once it is ready, then stops it with SIGTERM. */
function runStandalone<T>(env: Record<string, string>, cwd: string, ask: () => Promise<T>): Promise<Run & { answer?: T }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [appEntry('standalone')], { env: appEnvironment(env), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answer: T | undefined;
    let asked = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', async (chunk) => {
      stdout += chunk;
      if (asked || !/\(standalone\) ready/.test(stdout)) return;
      asked = true;
      answer = await ask().finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, answer });
    });
  });
}

interface Credentials {
  client_id: string;
  client_secret: string;
}

function readCredentialsFile(dir: string): Credentials {
  return JSON.parse(readFileSync(join(dir, 'bootstrap-admin.json'), 'utf8')) as Credentials;
}

/** Every line is a JSON log line, and none holds the secret. */
function expectCleanJsonLog(output: string, secret: string): Record<string, unknown>[] {
  const lines = logLines(output);
  expect(lines.filter((l) => typeof l === 'string')).toEqual([]);
  expect(output).not.toContain(secret);
  return lines as Record<string, unknown>[];
}

async function tokenStatus(baseUrl: string, id: string, secret: string): Promise<number> {
  return (await postForm<TokenBody>(`${baseUrl}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(id, secret) })).status;
}

describe('npm start without ARGUS_BOOTSTRAP_ADMIN_* (standalone, output not a terminal)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'argus-bootstrap-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the generated admin credentials to <ARGUS_DATA_DIR>/bootstrap-admin.json (0600), logs only where they are, and they work', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', ARGUS_DATA_DIR: join(dir, 'data'), DATABASE_URL: `sqlite:${join(dir, 'argus.sqlite')}` };
    const first = await runNode(appEntry('standalone'), [], env, dir, /\(standalone\) ready/);
    expect(first.signal).toBe('SIGTERM');

    const file = join(dir, 'data', 'bootstrap-admin.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = readCredentialsFile(join(dir, 'data'));
    expect(credentials.client_id).toBe('argus-admin');
    expect(credentials.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const lines = expectCleanJsonLog(first.stdout + first.stderr, credentials.client_secret);
    expect(lines.find((l) => l.file === file && l.client_id === 'argus-admin')).toBeDefined();

    // A second start keeps the client and says how to recover a lost secret, still without it.
    const second = await runStandalone(env, dir, () => tokenStatus(`http://127.0.0.1:${port}`, credentials.client_id, credentials.client_secret));
    expect(second.answer).toBe(200);
    const again = expectCleanJsonLog(second.stdout + second.stderr, credentials.client_secret);
    expect(again.find((l) => typeof l.recover === 'string' && (l.recover as string).includes('reset-admin-secret'))).toBeDefined();
    expect(readCredentialsFile(join(dir, 'data')).client_secret).toBe(credentials.client_secret);
  });

  it('a changed ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET for an existing admin client is applied, with a warning naming the variable', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', ARGUS_DATA_DIR: join(dir, 'data'), DATABASE_URL: `sqlite:${join(dir, 'argus.sqlite')}`, ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: 'ops-admin' };
    const first = 'first-configured-admin-secret-0123456789';
    const second = 'second-configured-admin-secret-987654321';
    const one = await runStandalone({ ...env, ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: first }, dir, () => tokenStatus(`http://127.0.0.1:${port}`, 'ops-admin', first));
    expect(one.answer).toBe(200);
    expect(existsSync(join(dir, 'data', 'bootstrap-admin.json'))).toBe(false);

    const two = await runStandalone({ ...env, ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: second }, dir, async () => [await tokenStatus(`http://127.0.0.1:${port}`, 'ops-admin', second), await tokenStatus(`http://127.0.0.1:${port}`, 'ops-admin', first)]);
    expect(two.answer).toEqual([200, 401]);
    const lines = expectCleanJsonLog(two.stdout + two.stderr, second);
    expect(lines.find((l) => l.level === 40 && String(l.msg).includes('ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET'))).toBeDefined();
    expect(two.stdout + two.stderr).not.toContain(first);
  });
});

describe.each(TOPOLOGIES)('the admin credential without ARGUS_BOOTSTRAP_ADMIN_* (%s)', (kind) => {
  let topology: Topology;
  let clientsLog: string;

  const cli = (args: string[]) => runNode(CLI, args, topology.env, topology.logDir);
  const tokenStatusAt = (id: string, secret: string) => tokenStatus(topology.baseUrl, id, secret);

  beforeAll(async () => {
    // A 1 s verification cache: a standalone server hears nothing from the command and re-reads the secret after it.
    topology = await startTopology(kind, { bootstrapAdmin: false, env: { ARGUS_SECRET_CACHE_TTL: '1' } });
    clientsLog = join(topology.logDir, `${kind === 'standalone' ? 'standalone' : 'clients'}.log`);
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it('a fresh install generates the admin client into a 0600 file in the data folder, and the log says where (never the secret)', async () => {
    const file = join(topology.dataDir, 'bootstrap-admin.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(topology.admin.clientId).toBe('argus-admin');
    const token = await clientCredentialsToken(topology, topology.admin.clientId, topology.admin.clientSecret);
    expect((await adminCall(topology, token, 'GET', '/admin/clients')).status).toBe(200);
    const lines = await pollUntil('the bootstrap log line', async () => {
      const text = readFileSync(clientsLog, 'utf8');
      return text.includes(file) ? text : undefined;
    });
    expectCleanJsonLog(lines, topology.admin.clientSecret);
  });

  it('reset-admin-secret recovers a lost admin secret: the new one gets an admin token, the old one is refused', async () => {
    const old = topology.admin;
    expect(await tokenStatusAt(old.clientId, old.clientSecret)).toBe(200);
    rmSync(join(topology.dataDir, 'bootstrap-admin.json'));

    const reset = await cli(['reset-admin-secret', '--json']);
    expect([reset.code, reset.stderr]).toEqual([0, expect.any(String)]);
    const answer = JSON.parse(reset.stdout) as Credentials & { created: boolean };
    expect(answer).toEqual({ client_id: 'argus-admin', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), created: false });
    expect(answer.client_secret).not.toBe(old.clientSecret);
    expect(reset.stderr).not.toContain(answer.client_secret);

    const token = await clientCredentialsToken(topology, answer.client_id, answer.client_secret);
    expect((await adminCall(topology, token, 'GET', '/admin/clients')).status).toBe(200);
    await pollUntil('the old admin secret to be refused', async () => ((await tokenStatusAt(old.clientId, old.clientSecret)) === 401 ? true : undefined));
    expect(await tokenStatusAt(answer.client_id, answer.client_secret)).toBe(200);
    topology.admin = { clientId: answer.client_id, clientSecret: answer.client_secret };
  });

  it('reset-admin-secret creates a missing admin client, and refuses to promote a client that is not one', async () => {
    const created = await cli(['reset-admin-secret', '--client-id', 'second-admin', '--json']);
    expect(created.code).toBe(0);
    const answer = JSON.parse(created.stdout) as Credentials & { created: boolean };
    expect(answer).toMatchObject({ client_id: 'second-admin', created: true });
    const token = await clientCredentialsToken(topology, answer.client_id, answer.client_secret);
    expect((await adminCall(topology, token, 'GET', '/admin/clients')).status).toBe(200);

    const plain = await createClient(topology, token, { grant_types: ['client_credentials'], scope: 'api:read' });
    const refused = await cli(['reset-admin-secret', '--client-id', plain.client_id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not an admin client');
    expect(refused.stdout).toBe('');
    expect(await tokenStatusAt(plain.client_id, plain.client_secret)).toBe(200);
  });
});
