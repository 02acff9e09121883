import { appEntry } from '@argus/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type Run } from '../support/run-node';

/** Runs an app until it prints `until` (then stops it with SIGTERM) or exits by itself. */
function runApp(app: string, env: Record<string, string>, cwd: string, until?: RegExp): Promise<Run> {
  return runNode(appEntry(app), [], env, cwd, until);
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
});
