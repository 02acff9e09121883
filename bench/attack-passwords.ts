/**
 * `node dist/bench/attack-passwords.js`: client-credentials latency and throughput while 16
 * anonymous password guessers run against the login page (standalone topology), with password
 * hashing unbounded and bounded (ARGUS_PASSWORD_HASH_CONCURRENCY), and with the default sign-in
 * throttle. argon2id runs on libuv's thread pool, which token signing (WebCrypto) shares.
 *
 * Environment:
 *   BENCH_GUESSERS     concurrent password guessers (default 16)
 *   BENCH_CONNECTIONS  autocannon connections for client credentials (default 10)
 *   BENCH_DURATION     measured seconds per scenario (default 10)
 *   BENCH_WARMUP       unmeasured seconds before each measured run (default 2)
 *   BENCH_CASES        comma list of quiet,unbounded,bounded,bounded1,throttled (default all)
 */
import { startStandalone, type Topology } from '@argus/testing';
import { randomBytes } from 'node:crypto';
import { basic, REDIRECT_URI } from './browser';
import { measure, type LoadResult } from './load';

type CaseName = 'quiet' | 'unbounded' | 'bounded' | 'bounded1' | 'throttled';

interface Case {
  name: CaseName;
  what: string;
  guessers: boolean;
  env: Record<string, string>;
}

/** Limits high enough that the throttle never refuses: the argon2 bound alone is measured. */
const NO_THROTTLE = { ARGUS_LOGIN_FAILURES_PER_ACCOUNT: '1000', ARGUS_LOGIN_FAILURES_PER_ADDRESS: '1000000' };

const CASES: Case[] = [
  { name: 'quiet', what: 'no guessers (reference)', guessers: false, env: {} },
  { name: 'unbounded', what: 'guessers, argon2 unbounded (before)', guessers: true, env: { ...NO_THROTTLE, ARGUS_PASSWORD_HASH_CONCURRENCY: '64' } },
  { name: 'bounded', what: 'guessers, argon2 bounded to 2', guessers: true, env: { ...NO_THROTTLE, ARGUS_PASSWORD_HASH_CONCURRENCY: '2' } },
  { name: 'bounded1', what: 'guessers, argon2 bounded to 1 (after, the default)', guessers: true, env: { ...NO_THROTTLE, ARGUS_PASSWORD_HASH_CONCURRENCY: '1' } },
  // The address lock after 10 failures: later guesses are refused without running argon2.
  { name: 'throttled', what: 'guessers, bound 1, address locked after 10 failures', guessers: true, env: { ARGUS_LOGIN_FAILURES_PER_ADDRESS: '10' } },
];

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const GUESSERS = number('BENCH_GUESSERS', 16);
const CONNECTIONS = number('BENCH_CONNECTIONS', 10);
const DURATION = number('BENCH_DURATION', 10);
const WARMUP = number('BENCH_WARMUP', 2);

async function json(response: Response): Promise<any> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A client-credentials client and a client for the login page. */
async function setUp(topology: Topology): Promise<{ service: { id: string; secret: string }; webClientId: string }> {
  const token = await json(await fetch(`${topology.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic(topology.admin.clientId, topology.admin.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=argus%3Aadmin',
  }));
  const create = (body: object) => fetch(`${topology.baseUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(json);
  const service = await create({ client_name: 'bench-service', grant_types: ['client_credentials'], scope: 'api:read' });
  const web = await create({ client_name: 'bench-web', grant_types: ['authorization_code'], redirect_uris: [REDIRECT_URI], scope: 'openid' });
  return { service: { id: service.client_id, secret: service.client_secret }, webClientId: web.client_id };
}

/**
 * One anonymous guesser: opens a login page, then posts random usernames and passwords to it
 * until `stop()`; every post costs the server one argon2id verification (unless throttled).
 */
async function guess(baseUrl: string, clientId: string, running: () => boolean): Promise<{ attempts: number; refused: number }> {
  const authorize = await fetch(`${baseUrl}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'openid', state: 'x' })}`, { redirect: 'manual' });
  const cookie = authorize.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await (await fetch(new URL(authorize.headers.get('location')!, baseUrl), { headers: { cookie } })).text();
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1] ?? '';
  const form = { req: hidden('req'), csrf_token: hidden('csrf_token') };
  let attempts = 0;
  let refused = 0;
  while (running()) {
    const body = new URLSearchParams({ ...form, username: `nobody-${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') });
    const answer = await (await fetch(`${baseUrl}/ui/login`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body })).text();
    attempts += 1;
    if (answer.includes('Too many failed sign-in attempts')) refused += 1;
  }
  return { attempts, refused };
}

interface Outcome {
  case: Case;
  clientCredentials: LoadResult;
  guesses?: { attempts: number; refused: number; perSecond: number };
}

async function runCase(entry: Case): Promise<Outcome> {
  const topology = await startStandalone({ env: entry.env, logLevel: 'warn' });
  try {
    const { service, webClientId } = await setUp(topology);
    let running = true;
    const started = Date.now();
    const guessers = entry.guessers ? Array.from({ length: GUESSERS }, () => guess(topology.baseUrl, webClientId, () => running)) : [];
    const clientCredentials = await measure(
      {
        method: 'POST',
        url: `${topology.baseUrl}/oauth2/token`,
        headers: { authorization: basic(service.id, service.secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      },
      { connections: CONNECTIONS, duration: DURATION, warmup: WARMUP },
    );
    running = false;
    const results = await Promise.all(guessers);
    const seconds = (Date.now() - started) / 1000;
    const attempts = results.reduce((sum, r) => sum + r.attempts, 0);
    const refused = results.reduce((sum, r) => sum + r.refused, 0);
    return { case: entry, clientCredentials, guesses: entry.guessers ? { attempts, refused, perSecond: attempts / seconds } : undefined };
  } finally {
    await topology.stop();
  }
}

async function main(): Promise<void> {
  const wanted = (process.env.BENCH_CASES ?? CASES.map((c) => c.name).join(',')).split(',');
  const outcomes: Outcome[] = [];
  for (const entry of CASES.filter((c) => wanted.includes(c.name))) {
    process.stderr.write(`running ${entry.name}: ${entry.what}\n`);
    outcomes.push(await runCase(entry));
  }
  console.log(`client_credentials under ${GUESSERS} anonymous password guessers (standalone, ${CONNECTIONS} connections, ${DURATION}s)`);
  console.log('case        req/s    p50 ms   p99 ms   non-2xx  guesses/s  refused  what');
  for (const { case: entry, clientCredentials: cc, guesses } of outcomes) {
    console.log(
      [
        entry.name.padEnd(10),
        cc.reqPerSec.toFixed(0).padStart(7),
        cc.p50Ms.toFixed(0).padStart(8),
        cc.p99Ms.toFixed(0).padStart(8),
        String(cc.non2xx).padStart(8),
        (guesses ? guesses.perSecond.toFixed(0) : '-').padStart(10),
        (guesses ? String(guesses.refused) : '-').padStart(8),
        ` ${entry.what}`,
      ].join(' '),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
