import { appEntry, appEnvironment } from '@argus/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@argus/testing';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs an app until it prints `until` (then stops it with SIGTERM) or exits by itself. */
function runApp(app: string, env: Record<string, string>, cwd: string, until?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [appEntry(app)], { env: appEnvironment(env), cwd });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('start-up', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'argus-startup-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'not-a-port'],
    ['ARGUS_KEK', 'too-short'],
    ['DATABASE_URL', 'mysql://x'],
    ['ARGUS_ISSUER', 'ftp://example.com'],
    // `true` would believe the left-most X-Forwarded-For entry, which any caller writes.
    ['ARGUS_TRUST_PROXY', 'true'],
    ['ARGUS_OPS_PORT', '70000'],
  ])('a bad %s stops the process with a message naming it', async (name, value) => {
    const run = await runApp('standalone', { [name]: value, ARGUS_DATA_DIR: dir }, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(name);
  });

  it('refuses SQLite in the distributed topology', async () => {
    const run = await runApp('gateway', { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'sqlite:./x.sqlite' }, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/DATABASE_URL must be postgres/);
  });

  it('npm start prints generated admin credentials on the first start only, and they work', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', ARGUS_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'argus.sqlite')}` };
    const first = await runApp('standalone', env, dir, /\(standalone\) ready/);
    const id = /client_id:\s+(\S+)/.exec(first.stdout)?.[1];
    const secret = /client_secret:\s+(\S+)/.exec(first.stdout)?.[1];
    expect(id).toBe('argus-admin');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The secret is on the terminal, never in a JSON log line.
    expect(first.stdout.split('\n').filter((l) => l.startsWith('{') && l.includes(secret!))).toEqual([]);
    // Graceful shutdown: hooks ran without error, then Nest re-raises SIGTERM.
    expect(first.signal).toBe('SIGTERM');
    expect(first.stdout).not.toContain('Error happened during shutdown');

    let verified = false;
    const second = spawn(process.execPath, [appEntry('standalone')], { env: appEnvironment(env), cwd: dir });
    let output = '';
    second.stdout.on('data', async (chunk) => {
      output += chunk;
      if (!verified && /\(standalone\) ready/.test(output)) {
        verified = true;
        const response = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
          body: 'grant_type=client_credentials',
        });
        const body = (await response.json()) as { scope: string };
        expect(response.status).toBe(200);
        expect(body.scope).toBe('argus:admin');
        second.kill('SIGTERM');
      }
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => second.on('exit', (_code, sig) => resolve(sig)));
    expect(verified).toBe(true);
    expect(signal).toBe('SIGTERM');
    expect(output).not.toMatch(/client_secret:/);
  });
});
