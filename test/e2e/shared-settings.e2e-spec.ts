import { startTopology, type Topology } from '@argus/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually';

const WRONG_ISSUER = 'http://wrong-issuer.example';
const DEADLINE_MS = 90_000;

interface Readiness {
  status: number;
  message?: string;
  retryAfter?: string | null;
}

async function readiness(opsUrl: string): Promise<Readiness> {
  try {
    const response = await fetch(`${opsUrl}/readyz`);
    const body = (await response.json()) as { error?: Record<string, { message?: string }> };
    return { status: response.status, message: body.error?.['shared-settings']?.message, retryAfter: response.headers.get('retry-after') };
  } catch {
    return { status: 0 };
  }
}

/** Polls /readyz until it reports a shared-settings problem (or the deadline passes). */
function settingsProblem(opsUrl: string): Promise<Readiness> {
  return eventually(() => readiness(opsUrl), (answer) => answer.message !== undefined, DEADLINE_MS);
}

// Only the distributed topology has processes whose settings can differ, so this spec always runs it.
describe('one service started with a different ARGUS_ISSUER (distributed)', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology('distributed', {
      introspectionInstances: 1,
      processEnv: { token: { ARGUS_ISSUER: WRONG_ISSUER } },
      waitForReady: false,
    });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it('makes the gateway not ready, naming ARGUS_ISSUER, both values and the odd process', async () => {
    const gateway = await settingsProblem(topology.processes.gateway);
    expect(gateway.status).toBe(503);
    expect(gateway.retryAfter).toBe('5');
    expect(gateway.message).toMatch(/^settings differ between services/);
    expect(gateway.message).toContain(`ARGUS_ISSUER is "${topology.baseUrl}" here but "${WRONG_ISSUER}" at token@`);
  });

  it('makes the misconfigured service itself not ready too', async () => {
    const token = await settingsProblem(topology.processes.token);
    expect(token.status).toBe(503);
    expect(token.message).toContain(`ARGUS_ISSUER is "${WRONG_ISSUER}" here but "${topology.baseUrl}" at gateway@`);
  });

  it('logs the difference at error level', async () => {
    await settingsProblem(topology.processes.gateway);
    const lines = readFileSync(join(topology.logDir, 'gateway.log'), 'utf8').split('\n').filter((l) => l.startsWith('{'));
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    expect(errors.some((l) => l.msg.includes('ARGUS_ISSUER') && l.msg.includes(WRONG_ISSUER))).toBe(true);
  });
});
