/**
 * `node dist/bench/attack-secrets.js`: client-credentials throughput of a legitimate client on the
 * standalone topology, alone and while an attacker sends wrong secrets for the same client_id as
 * fast as one connection allows (issue 6, item 2). The attacker must neither lock the client out
 * (its non-2xx must stay 0) nor cost argon2id beyond the throttle's allowance. Last, the attacker
 * alone: how fast its refusals are answered.
 *
 * Environment:
 *   BENCH_CONNECTIONS  the legitimate client's autocannon connections (default 50)
 *   BENCH_DURATION     measured seconds per run (default 10)
 *   BENCH_WARMUP       unmeasured warm-up seconds before each measured run (default 2)
 */
import { startTopology, type Topology } from '@argus/testing';
import { basic } from './browser';
import { measure, type LoadResult, type LoadSettings, type RequestSpec } from './load';

const FORM = 'application/x-www-form-urlencoded';

function settingsFromEnv(): LoadSettings {
  const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  return { connections: number('BENCH_CONNECTIONS', 50), duration: number('BENCH_DURATION', 10), warmup: number('BENCH_WARMUP', 2) };
}

async function postJson(url: string, init: RequestInit): Promise<Record<string, string>> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, string>;
}

/** A fresh client-credentials client created through the admin API. */
async function createVictim(topology: Topology): Promise<{ clientId: string; secret: string }> {
  const admin = await postJson(`${topology.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic(topology.admin.clientId, topology.admin.clientSecret), 'content-type': FORM },
    body: 'grant_type=client_credentials',
  });
  const client = await postJson(`${topology.baseUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'attacked', grant_types: ['client_credentials'], scope: 'api:read' }),
  });
  return { clientId: client.client_id, secret: client.client_secret };
}

function tokenRequest(baseUrl: string, clientId: string, secret: string): RequestSpec {
  return { method: 'POST', url: `${baseUrl}/oauth2/token`, headers: { authorization: basic(clientId, secret), 'content-type': FORM }, body: 'grant_type=client_credentials' };
}

/** argus_client_secret_checks_total by outcome (verified / rejected by argon2id, throttled without it). */
async function secretChecks(opsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const counts: Record<string, number> = { verified: 0, rejected: 0, throttled: 0 };
  for (const match of text.matchAll(/^argus_client_secret_checks_total\{outcome="(\w+)"\} (\d+)/gm)) counts[match[1]] = Number(match[2]);
  return counts;
}

function summary(result: LoadResult) {
  return { reqPerSec: Math.round(result.reqPerSec), p50Ms: result.p50Ms, p99Ms: result.p99Ms, non2xx: result.non2xx, statusCodes: result.statusCodes };
}

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const topology = await startTopology('standalone', { logLevel: 'warn' });
  try {
    const victim = await createVictim(topology);
    const legitimate = tokenRequest(topology.baseUrl, victim.clientId, victim.secret);
    const attacker = tokenRequest(topology.baseUrl, victim.clientId, 'a-wrong-secret-guessed-by-the-attacker-0000');
    const ops = topology.processes.standalone;

    const alone = await measure(legitimate, settings);
    const before = await secretChecks(ops);
    const [underAttack, attack] = await Promise.all([measure(legitimate, settings), measure(attacker, { ...settings, connections: 1 })]);
    const after = await secretChecks(ops);

    const attackerAlone = await measure(attacker, { ...settings, connections: 1 });
    const checks = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
    const report = {
      settings,
      legitimateAlone: summary(alone),
      legitimateUnderAttack: summary(underAttack),
      attacker: summary(attack),
      attackerAlone: summary(attackerAlone),
      ratioUnderAttack: Number((underAttack.reqPerSec / alone.reqPerSec).toFixed(3)),
      secretChecksDuringAttack: checks,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (underAttack.non2xx > 0) {
      process.stderr.write(`the legitimate client was refused ${underAttack.non2xx} times under attack\n`);
      process.exitCode = 1;
    }
  } finally {
    await topology.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
