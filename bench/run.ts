/**
 * `npm run bench`: throughput of Argus IdP's hot endpoints, as a ratio to a bare node:http
 * server measured in the same run on the same machine (docs/benchmarks.md).
 *
 * Environment:
 *   BENCH_TOPOLOGIES   standalone | distributed | both (default both)
 *   BENCH_SCENARIOS    comma list of client_credentials,introspection,jwks,authorization_code,refresh (default all)
 *   BENCH_CONNECTIONS  autocannon connections (default 50)
 *   BENCH_DURATION     measured seconds per scenario (default 10)
 *   BENCH_WARMUP       unmeasured warm-up seconds before each measured run (default 2)
 *   BENCH_CPU_PROF=1   run the servers under --cpu-prof, one fresh topology per scenario so each
 *                      profile holds one scenario, and print the top functions by self time
 *   BENCH_CPU_PROF_PROCESSES  distributed processes to profile (default gateway,token,clients,keys,introspection-1)
 *   BENCH_SNAPSHOT=0   run from dist/ itself instead of a private copy (see runFromSnapshot)
 *
 * Exits non-zero only when something crashes (a server does not start, a request cannot be
 * set up); a ratio BELOW its target, or a scenario flagged INVALID, does not fail the run.
 */
import { appEntry, startTopology, type Topology } from '@argus/testing';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startBareServer } from './bare';
import { basic, codeFromLocation, codeTokenBody, createBrowserFixture, freshRefreshTokens, refreshOnce, refreshTokenBody, refreshTokenOf, type BrowserFixture } from './browser';
import { analyzeProfile, formatProfile, type ProfileSummary } from './cpuprofile';
import { cpuSnapshot, otherCpuSince, type OtherCpu } from './machine';
import { fetchOnce, measure, measureChain, preflightChain, sampleFailures, type ChainSpec, type LoadResult, type LoadSettings, type RequestSpec, type Sample } from './load';

type TopologyKind = 'standalone' | 'distributed';
type ScenarioName = 'client_credentials' | 'introspection' | 'jwks' | 'authorization_code' | 'refresh';
/** Scenarios whose iteration is a chain of requests with per-connection state (load.ts measureChain). */
type ChainScenarioName = Extract<ScenarioName, 'authorization_code' | 'refresh'>;

const ALL_SCENARIOS: ScenarioName[] = ['client_credentials', 'introspection', 'jwks', 'authorization_code', 'refresh'];
const CHAIN_SCENARIOS: ScenarioName[] = ['authorization_code', 'refresh'];
const isChain = (name: ScenarioName): name is ChainScenarioName => CHAIN_SCENARIOS.includes(name);
const REPO = process.env.BENCH_REPO ?? resolve(__dirname, '../..');
const OUT_DIR = join(REPO, '.bench');
const PROFILE_DIR = join(OUT_DIR, 'profiles');
const LOG_COPY_DIR = join(OUT_DIR, 'logs');

/** The issue's targets: req/s as a fraction of the bare server's req/s. */
const TARGETS: Record<string, number> = {
  'standalone/client_credentials': 0.25,
  'standalone/introspection': 0.35,
  'distributed/client_credentials': 0.12,
};

interface Row {
  topology: TopologyKind | 'bare';
  scenario: string;
  result?: LoadResult;
  ratio?: number;
  target?: number;
  verdict?: 'PASS' | 'BELOW' | 'INVALID' | 'FAILED';
  problem?: string;
  failureSamples?: Sample[];
  profiles?: string[];
  /** CPU used by processes outside the benchmark during the warm-up and measured run. */
  otherCpu?: OtherCpu;
}

/** Above this, another process used enough CPU during a row to lower its numbers. */
const OTHER_CPU_WARNING = 10;

/** Runs `run` and records on `row` how much CPU other processes used meanwhile. */
async function watchingOthers<T>(row: Row, run: () => Promise<T>): Promise<T> {
  const before = cpuSnapshot();
  const result = await run();
  row.otherCpu = otherCpuSince(before, row.topology === 'distributed');
  if (row.otherCpu && row.otherCpu.percentOfOneCpu >= OTHER_CPU_WARNING) {
    log(`warning: other processes used ${row.otherCpu.percentOfOneCpu.toFixed(0)}% of a CPU during ${row.topology} ${row.scenario} (${row.otherCpu.top.join(', ')}): its numbers are low`);
  }
  return result;
}

// ---------------------------------------------------------------------------------- settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`${name} must be an integer >= ${min} (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}

function topologiesFromEnv(): TopologyKind[] {
  const raw = (process.env.BENCH_TOPOLOGIES ?? 'both').trim();
  if (raw === 'both' || raw === '') return ['standalone', 'distributed'];
  if (raw === 'standalone' || raw === 'distributed') return [raw];
  process.stderr.write(`BENCH_TOPOLOGIES must be standalone, distributed or both (got "${raw}")\n`);
  process.exit(2);
}

function scenariosFromEnv(): ScenarioName[] {
  const raw = process.env.BENCH_SCENARIOS?.trim();
  if (!raw) return ALL_SCENARIOS;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_SCENARIOS.includes(n as ScenarioName));
  if (unknown.length || names.length === 0) {
    process.stderr.write(`BENCH_SCENARIOS: unknown scenario(s) ${unknown.join(', ')}; known: ${ALL_SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
  // Keep the canonical order whatever order was given.
  return ALL_SCENARIOS.filter((s) => names.includes(s));
}

const settings: LoadSettings = {
  connections: intEnv('BENCH_CONNECTIONS', 50, 1),
  duration: intEnv('BENCH_DURATION', 10, 1),
  warmup: intEnv('BENCH_WARMUP', 2, 0),
};
const topologies = topologiesFromEnv();
const scenarios = scenariosFromEnv();
const cpuProf = process.env.BENCH_CPU_PROF === '1' || process.env.BENCH_CPU_PROF === 'true';
const profiledDistributed = (process.env.BENCH_CPU_PROF_PROCESSES ?? 'gateway,token,clients,keys,introspection-1')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

let crashed = false;
/** Topologies and servers running right now, stopped on Ctrl-C / SIGTERM too. */
const running = new Set<() => Promise<void>>();
let interrupted = false;
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  process.stdout.write(`\n[bench] ${signal}: stopping ${running.size} running server(s)\n`);
  void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(130));
}
function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------- helpers

const FORM = 'application/x-www-form-urlencoded';

async function postForm(url: string, authorization: string, form: Record<string, string>): Promise<{ status: number; json: any; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': FORM },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

interface BenchClient {
  clientId: string;
  clientSecret: string;
  accessToken: string;
  /** An `argus:admin` token, for the browser-flow set-up (POST /admin/users, /admin/clients). */
  adminToken: string;
}

/** An admin token, a fresh `bench` client through the admin API, and one of its access tokens. */
async function createBenchClient(topology: Topology): Promise<BenchClient> {
  const adminAuth = basic(topology.admin.clientId, topology.admin.clientSecret);
  const admin = await postForm(`${topology.baseUrl}/oauth2/token`, adminAuth, { grant_type: 'client_credentials', scope: 'argus:admin' });
  if (admin.status !== 200 || !admin.json?.access_token) throw new Error(`admin token: HTTP ${admin.status} ${admin.text}`);

  const created = await fetch(`${topology.baseUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.json.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'bench', grant_types: ['client_credentials'], scope: 'api:read' }),
  });
  const createdText = await created.text();
  if (created.status !== 201) throw new Error(`POST /admin/clients: HTTP ${created.status} ${createdText}`);
  const client = JSON.parse(createdText) as { client_id: string; client_secret: string };

  const token = await postForm(`${topology.baseUrl}/oauth2/token`, basic(client.client_id, client.client_secret), { grant_type: 'client_credentials' });
  if (token.status !== 200 || !token.json?.access_token) throw new Error(`bench client token: HTTP ${token.status} ${token.text}`);
  return { clientId: client.client_id, clientSecret: client.client_secret, accessToken: token.json.access_token, adminToken: admin.json.access_token };
}

interface Scenario {
  request: RequestSpec;
  /** What a correct 200 body looks like; a 200 that fails this is not the path we mean to measure. */
  check(body: string): string | undefined;
}

function scenarioRequest(name: Exclude<ScenarioName, ChainScenarioName>, baseUrl: string, client: BenchClient): Scenario {
  const authorization = basic(client.clientId, client.clientSecret);
  const parse = (body: string): any => {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  };
  switch (name) {
    case 'client_credentials':
      return {
        request: {
          method: 'POST',
          url: `${baseUrl}/oauth2/token`,
          headers: { authorization, 'content-type': FORM },
          body: 'grant_type=client_credentials',
        },
        check: (body) => (typeof parse(body)?.access_token === 'string' ? undefined : 'no access_token in the response'),
      };
    case 'introspection':
      return {
        request: {
          method: 'POST',
          url: `${baseUrl}/oauth2/introspect`,
          headers: { authorization, 'content-type': FORM },
          body: new URLSearchParams({ token: client.accessToken }).toString(),
        },
        check: (body) => (parse(body)?.active === true ? undefined : `token not active: ${body.slice(0, 200)}`),
      };
    case 'jwks':
      return {
        request: { method: 'GET', url: `${baseUrl}/.well-known/jwks.json` },
        check: (body) => {
          const keys = parse(body)?.keys;
          return Array.isArray(keys) && keys.length > 0 ? undefined : 'no keys in the JWKS';
        },
      };
  }
}

function judge(row: Row, bareReqPerSec: number | undefined): Row {
  const result = row.result;
  if (!result) return row;
  row.ratio = bareReqPerSec ? result.reqPerSec / bareReqPerSec : undefined;
  row.target = TARGETS[`${row.topology}/${row.scenario}`];
  if (result.non2xx > 0 || result.errors > 0) {
    row.verdict = 'INVALID';
  } else if (row.target !== undefined && row.ratio !== undefined) {
    row.verdict = row.ratio >= row.target ? 'PASS' : 'BELOW';
  }
  return row;
}

async function runScenario(topology: TopologyKind, name: Exclude<ScenarioName, ChainScenarioName>, baseUrl: string, client: BenchClient): Promise<Row> {
  const row: Row = { topology, scenario: name };
  const { request, check } = scenarioRequest(name, baseUrl, client);
  const first = await fetchOnce(request);
  const wrong = first.status !== 200 ? `pre-flight answered HTTP ${first.status}: ${first.body.slice(0, 300)}` : check(first.body);
  if (wrong) {
    row.verdict = 'FAILED';
    row.problem = wrong;
    log(`${topology} ${name}: NOT LOADED, ${wrong}`);
    return row;
  }
  log(`${topology} ${name}: pre-flight 200 ok; ${settings.warmup} s warm-up + ${settings.duration} s at ${settings.connections} connections`);
  row.result = await watchingOthers(row, () => measure(request, settings));
  const r = row.result;
  log(
    `${topology} ${name}: ${r.reqPerSec.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ` +
      `non-2xx ${r.non2xx}, errors ${r.errors} (timeouts ${r.timeouts}), status codes ${JSON.stringify(r.statusCodes)}`,
  );
  if (r.non2xx > 0 || r.errors > 0) {
    row.problem = `non-2xx ${r.non2xx}, errors ${r.errors} (timeouts ${r.timeouts}); status codes ${JSON.stringify(r.statusCodes)}`;
    row.failureSamples = await sampleFailures(request);
    for (const sample of row.failureSamples) log(`  non-2xx sample: HTTP ${sample.status} ${sample.body}`);
  }
  return row;
}

/**
 * The chained scenarios, on the signed-in browser of `fixture`:
 * - authorization_code: GET /oauth2/authorize with the session cookies (302 with a code, consent
 *   remembered) then POST /oauth2/token redeeming that code (200 with id_token and refresh_token).
 *   One iteration = one round trip = the pair.
 * - refresh: POST /oauth2/token grant_type=refresh_token, each connection following its own
 *   refresh-token family: every request sends the refresh token of the connection's previous
 *   answer (rotation makes each one single-use). Before every autocannon run each connection gets
 *   a fresh family from its own code flow, since the tokens in flight when a run stops are lost.
 */
function chainScenario(name: ChainScenarioName, fixture: BrowserFixture): ChainSpec {
  const tokenHeaders = { authorization: fixture.authorization, 'content-type': FORM };
  switch (name) {
    case 'authorization_code':
      return {
        url: fixture.baseUrl,
        unit: 'round trip',
        stepsPerIteration: 2,
        steps: () => {
          let code: string | undefined;
          return [
            {
              method: 'GET',
              path: fixture.authorizePath,
              headers: { cookie: fixture.cookie },
              check: (status, _body, header) => {
                code = undefined;
                if (status !== 302) return `expected 302 to the client, got HTTP ${status}`;
                const found = codeFromLocation(header('location'));
                if ('wrong' in found) return found.wrong;
                code = found.code;
                return undefined;
              },
            },
            {
              method: 'POST',
              path: '/oauth2/token',
              headers: tokenHeaders,
              // Each code is sent once: without one (the authorize answer was wrong), restart the pair.
              body: () => {
                const current = code;
                code = undefined;
                return current === undefined ? undefined : codeTokenBody(fixture, current);
              },
              check: (status, body) => {
                if (status !== 200) return `expected 200, got HTTP ${status}`;
                return body.includes('"id_token":"') && body.includes('"refresh_token":"') ? undefined : 'a 200 without id_token or refresh_token';
              },
            },
          ];
        },
      };
    case 'refresh': {
      let families: string[] = [];
      return {
        url: fixture.baseUrl,
        unit: 'refresh',
        stepsPerIteration: 1,
        prepare: async (connections) => {
          families = await freshRefreshTokens(fixture, connections);
        },
        steps: (connection) => {
          let current: string | undefined = families[connection];
          return [
            {
              method: 'POST',
              path: '/oauth2/token',
              headers: tokenHeaders,
              body: () => refreshTokenBody(current ?? 'bench-has-no-refresh-token-for-this-connection'),
              check: (status, body) => {
                if (status !== 200) return `expected 200, got HTTP ${status}`;
                const next = refreshTokenOf(body);
                if (!next) return 'a 200 without refresh_token';
                current = next;
                return undefined;
              },
            },
          ];
        },
      };
    }
  }
}

/** fetch pre-flight of a chain: the same requests one by one, with readable errors. */
async function fetchPreflight(name: ChainScenarioName, fixture: BrowserFixture): Promise<string | undefined> {
  if (name === 'authorization_code') {
    // freshRefreshTokens runs authorize -> token and checks the 302 and the 200.
    await freshRefreshTokens(fixture, 1);
    return undefined;
  }
  const [first] = await freshRefreshTokens(fixture, 1);
  const once = await refreshOnce(fixture, first);
  const second = refreshTokenOf(once.text);
  if (once.status !== 200 || !second) return `first refresh answered HTTP ${once.status}: ${once.text.slice(0, 300)}`;
  const twice = await refreshOnce(fixture, second);
  if (twice.status !== 200 || !refreshTokenOf(twice.text)) return `refresh with the rotated token answered HTTP ${twice.status}: ${twice.text.slice(0, 300)}`;
  return undefined;
}

async function runChainScenario(topology: TopologyKind, name: ChainScenarioName, fixture: BrowserFixture): Promise<Row> {
  const row: Row = { topology, scenario: name };
  const spec = chainScenario(name, fixture);
  let wrong: string | undefined;
  try {
    wrong = (await fetchPreflight(name, fixture)) ?? (await preflightChain(spec, settings.connections));
  } catch (err) {
    wrong = `pre-flight: ${(err as Error).message}`;
  }
  if (wrong) {
    row.verdict = 'FAILED';
    row.problem = wrong;
    log(`${topology} ${name}: NOT LOADED, ${wrong}`);
    return row;
  }
  log(`${topology} ${name}: pre-flight ok (fetch and autocannon chain); ${settings.warmup} s warm-up + ${settings.duration} s at ${settings.connections} connections`);
  const { result, samples } = await watchingOthers(row, () => measureChain(spec, settings));
  row.result = result;
  const r = result;
  log(
    `${topology} ${name}: ${r.reqPerSec.toFixed(0)} ${spec.unit === 'refresh' ? 'refreshes' : `${spec.unit}s`}/s (${r.chain!.httpReqPerSec.toFixed(0)} HTTP req/s), ` +
      `${spec.unit} p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, wrong answers ${r.non2xx}, errors ${r.errors} (timeouts ${r.timeouts}), ` +
      `restarts ${r.chain!.resets}, status codes ${JSON.stringify(r.statusCodes)}`,
  );
  if (r.non2xx > 0 || r.errors > 0) {
    row.problem = `wrong answers ${r.non2xx}, errors ${r.errors} (timeouts ${r.timeouts}); status codes ${JSON.stringify(r.statusCodes)}`;
    row.failureSamples = samples;
    for (const sample of samples) log(`  wrong answer: HTTP ${sample.status} ${sample.body}`);
  }
  return row;
}

function profileArgs(kind: TopologyKind, tag: string): { nodeArgs: Record<string, string[]>; files: string[] } {
  const names = kind === 'standalone' ? ['standalone'] : profiledDistributed;
  const nodeArgs: Record<string, string[]> = {};
  const files: string[] = [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  for (const name of names) {
    const file = `${kind}-${tag}-${name}.cpuprofile`;
    rmSync(join(PROFILE_DIR, file), { force: true });
    files.push(join(PROFILE_DIR, file));
    nodeArgs[name] = [
      '--cpu-prof',
      `--cpu-prof-dir=${PROFILE_DIR}`,
      `--cpu-prof-name=${file}`,
      // Nest re-raises SIGTERM after its graceful shutdown, and a process killed by a signal
      // writes no profile: this preload turns that second SIGTERM into a normal exit.
      '--require',
      join(__dirname, 'profile-exit.js'),
    ];
  }
  return { nodeArgs, files };
}

function keepLogs(topology: Topology, tag: string): string | undefined {
  try {
    const target = join(LOG_COPY_DIR, tag);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(topology.logDir)) {
      if (file.endsWith('.log')) copyFileSync(join(topology.logDir, file), join(target, file));
    }
    return target;
  } catch {
    return undefined;
  }
}

/** One topology: start, bench client, the scenarios, and always stop. */
async function runTopology(kind: TopologyKind, names: ScenarioName[], bareReqPerSec: number | undefined, profileTag?: string): Promise<{ rows: Row[]; profiles: ProfileSummary[] }> {
  const rows: Row[] = [];
  const profiles: ProfileSummary[] = [];
  const prof = profileTag ? profileArgs(kind, profileTag) : undefined;
  log(`starting ${kind}${prof ? ` under --cpu-prof (${Object.keys(prof.nodeArgs).join(', ')})` : ''}`);
  let topology: Topology;
  try {
    // Every request comes from one address here, which is what the per-address rate limits stop:
    // they are off, so the bench measures the endpoints, not the limiter's 429s.
    topology = await startTopology(kind, { logLevel: 'warn', nodeArgs: prof?.nodeArgs, env: { ARGUS_RATE_LIMIT_ANONYMOUS: '0', ARGUS_RATE_LIMIT_CLIENT: '0' } });
  } catch (err) {
    crashed = true;
    const message = `the ${kind} topology did not start: ${(err as Error).message}`;
    log(message);
    return { rows: names.map((scenario) => ({ topology: kind, scenario, verdict: 'FAILED', problem: message })), profiles };
  }
  log(`${kind} up at ${topology.baseUrl}; logs in ${topology.logDir} (copied to .bench/logs/ before stop)`);
  const stopTopology = () => topology.stop();
  running.add(stopTopology);
  try {
    let client: BenchClient;
    try {
      client = await createBenchClient(topology);
    } catch (err) {
      crashed = true;
      const message = `could not create the bench client: ${(err as Error).message}`;
      log(`${kind}: ${message}`);
      rows.push(...names.map((scenario): Row => ({ topology: kind, scenario, verdict: 'FAILED', problem: message })));
      return { rows, profiles };
    }
    let fixture: BrowserFixture | undefined;
    let fixtureProblem = '';
    if (names.some(isChain)) {
      try {
        fixture = await createBrowserFixture(topology.baseUrl, client.adminToken);
        log(`${kind}: signed in ${fixture.username} to client ${fixture.clientId} through /ui/login and /ui/consent`);
      } catch (err) {
        crashed = true;
        fixtureProblem = `could not set up the browser session: ${(err as Error).message}`;
        log(`${kind}: ${fixtureProblem}`);
      }
    }
    for (const name of names) {
      try {
        if (isChain(name) && !fixture) {
          rows.push({ topology: kind, scenario: name, verdict: 'FAILED', problem: fixtureProblem });
          continue;
        }
        const row = judge(isChain(name) ? await runChainScenario(kind, name, fixture!) : await runScenario(kind, name, topology.baseUrl, client), bareReqPerSec);
        rows.push(row);
      } catch (err) {
        crashed = true;
        const message = `crashed: ${(err as Error).stack ?? err}`;
        log(`${kind} ${name}: ${message}`);
        rows.push({ topology: kind, scenario: name, verdict: 'FAILED', problem: message });
      }
    }
  } finally {
    const kept = keepLogs(topology, profileTag ? `${kind}-${profileTag}` : kind);
    if (kept) log(`${kind} logs kept in ${kept}`);
    log(`stopping ${kind}`);
    running.delete(stopTopology);
    await topology.stop().catch((err: Error) => {
      crashed = true;
      log(`stopping ${kind} failed: ${err.message}`);
    });
  }
  if (prof) {
    for (const file of prof.files) {
      if (!existsSync(file)) {
        log(`no profile written at ${file} (did the process exit normally?)`);
        continue;
      }
      try {
        // One scenario per profiled topology: count only its measured run.
        const summary = analyzeProfile(file, 25, rows.find((row) => row.result)?.result?.window);
        profiles.push(summary);
        process.stdout.write(`\n${formatProfile(summary)}\n\n`);
      } catch (err) {
        log(`could not analyze ${file}: ${(err as Error).message}`);
      }
    }
    for (const row of rows) row.profiles = prof.files.filter((f) => existsSync(f));
  }
  return { rows, profiles };
}

/** Fraction of all CPUs' time spent busy over `ms`: other load on the machine skews every number. */
async function cpuBusy(ms: number): Promise<number> {
  const snapshot = () => cpus().reduce((acc, cpu) => {
    const t = cpu.times;
    acc.idle += t.idle;
    acc.total += t.user + t.nice + t.sys + t.irq + t.idle;
    return acc;
  }, { idle: 0, total: 0 });
  const before = snapshot();
  await new Promise((r) => setTimeout(r, ms));
  const after = snapshot();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

// ---------------------------------------------------------------------------------- output

function fmt(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function table(rows: Row[]): string {
  const header = ['topology', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio', 'target', 'verdict'];
  const body = rows.map((row) => [
    row.topology === 'bare' ? 'bare node:http' : row.topology,
    row.scenario + (row.scenario === 'authorization_code' ? '*' : ''),
    fmt(row.result?.reqPerSec, 0),
    fmt(row.result?.p50Ms, 0),
    fmt(row.result?.p99Ms, 0),
    row.result ? String(row.result.non2xx) : '-',
    row.result ? String(row.result.errors) : '-',
    fmt(row.ratio, row.ratio !== undefined && row.ratio < 0.01 ? 3 : 2),
    row.target === undefined ? '' : `>= ${row.target.toFixed(2)}`,
    row.verdict ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const startedAt = new Date();
  const ownDist = resolve(__dirname, '..');
  const serversFrom = resolve(appEntry('standalone'), '../../../..');
  if (process.env.BENCH_IN_SNAPSHOT === '1') log(`running from a private copy of dist/: ${ownDist}`);
  if (serversFrom !== ownDist) log(`warning: the servers start from ${serversFrom}, not from ${ownDist}: a rebuild during the run can break them`);
  log(
    `${startedAt.toISOString()}: topologies ${topologies.join(', ')}; scenarios ${scenarios.join(', ')}; ` +
      `${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s measured${cpuProf ? '; CPU profiling on' : ''}`,
  );

  const loadBefore = loadavg()[0];
  const busyBefore = await cpuBusy(1000);
  log(`machine before start: ${(busyBefore * 100).toFixed(0)}% CPU busy over 1 s, 1-min load average ${loadBefore.toFixed(2)}`);
  if (busyBefore > 0.15) {
    log(`warning: something else is using the CPU (${(busyBefore * 100).toFixed(0)}% busy before the run): the numbers will be low and noisy`);
  }
  const rows: Row[] = [];
  const profiles: ProfileSummary[] = [];

  // 1. The reference: a bare node:http server in its own process.
  const bareRow: Row = { topology: 'bare', scenario: '{"ok":true}' };
  try {
    const bare = await startBareServer();
    running.add(bare.stop);
    try {
      const request: RequestSpec = { method: 'GET', url: `${bare.url}/` };
      const first = await fetchOnce(request);
      if (first.status !== 200) throw new Error(`the bare server answered HTTP ${first.status}`);
      log(`bare node:http: ${settings.warmup} s warm-up + ${settings.duration} s at ${settings.connections} connections`);
      bareRow.result = await watchingOthers(bareRow, () => measure(request, settings));
      bareRow.ratio = 1;
      if (bareRow.result.non2xx > 0 || bareRow.result.errors > 0) bareRow.verdict = 'INVALID';
      log(`bare node:http: ${bareRow.result.reqPerSec.toFixed(0)} req/s, p50 ${bareRow.result.p50Ms} ms, p99 ${bareRow.result.p99Ms} ms`);
    } finally {
      running.delete(bare.stop);
      await bare.stop();
    }
  } catch (err) {
    crashed = true;
    bareRow.verdict = 'FAILED';
    bareRow.problem = (err as Error).message;
    log(`bare server: ${bareRow.problem}`);
  }
  rows.push(bareRow);
  const bareReqPerSec = bareRow.verdict ? undefined : bareRow.result?.reqPerSec;

  // 2. Each topology, in order. Under --cpu-prof, one fresh topology per scenario.
  for (const kind of topologies) {
    const batches = cpuProf ? scenarios.map((s) => [s]) : [scenarios];
    for (const batch of batches) {
      const outcome = await runTopology(kind, batch, bareReqPerSec, cpuProf ? batch[0] : undefined);
      rows.push(...outcome.rows);
      profiles.push(...outcome.profiles);
    }
  }

  // 3. Results.
  const results = {
    date: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageBefore: loadBefore, cpuBusyBefore: busyBefore },
    settings: { ...settings, topologies, scenarios, cpuProf },
    targets: TARGETS,
    rows,
    profiles: profiles.map((p) => ({ ...p, top: p.top.slice(0, 25) })),
  };
  const resultsFile = join(OUT_DIR, 'results.json');
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

  process.stdout.write(`\nArgus IdP benchmark, ${startedAt.toISOString()} (${cpus().length} CPUs, node ${process.version}, ` +
    `${settings.connections} connections, ${settings.duration} s after ${settings.warmup} s warm-up)\n\n`);
  process.stdout.write(table(rows) + '\n\n');
  process.stdout.write('ratio = req/s / bare node:http req/s in this run. INVALID = non-2xx or errors under load: its numbers do not count. FAILED = not measured.\n');
  if (rows.some((row) => row.scenario === 'authorization_code')) {
    process.stdout.write(
      '* authorization_code: req/s = round trips/s (GET /oauth2/authorize -> 302 with a code + POST /oauth2/token -> 200, twice as many HTTP requests);\n' +
        '  p50/p99 = latency of the pair. authorization_code and refresh: non-2xx = answers other than the expected 302/200 (with code, tokens).\n',
    );
  }
  const disturbed = rows.filter((row) => (row.otherCpu?.percentOfOneCpu ?? 0) >= OTHER_CPU_WARNING);
  if (disturbed.length > 0) {
    process.stdout.write(`NOT A QUIET RUN: other processes used >= ${OTHER_CPU_WARNING}% of a CPU during ${disturbed.length} row(s); compare those with care:\n`);
    for (const row of disturbed) {
      process.stdout.write(`  ${row.topology} ${row.scenario}: ${row.otherCpu!.percentOfOneCpu.toFixed(0)}% (${row.otherCpu!.top.join(', ')})\n`);
    }
  } else if (rows.some((row) => row.otherCpu)) {
    const worst = Math.max(...rows.map((row) => row.otherCpu?.percentOfOneCpu ?? 0));
    process.stdout.write(`Quiet run: other processes used at most ${worst.toFixed(1)}% of a CPU during any row.\n`);
  }
  for (const row of rows.filter((r) => r.problem)) {
    process.stdout.write(`  ${row.topology} ${row.scenario}: ${row.problem}\n`);
    for (const sample of row.failureSamples ?? []) process.stdout.write(`    e.g. HTTP ${sample.status} ${sample.body}\n`);
  }
  process.stdout.write(`results written to ${resultsFile}\n`);
  process.exitCode = crashed ? 1 : 0;
}

/**
 * The topology launcher spawns the apps from the `dist/` beside the nearest package.json above
 * itself. A concurrent `npm run build` (rm -rf dist) in the middle of a few-minute run would kill
 * or corrupt the topology being measured, so by default the benchmark copies dist/ to
 * .bench/run-<pid>/dist/ next to a stub package.json, and runs from that copy (node_modules still
 * resolve from the repository above it), then removes it.
 */
function runFromSnapshot(): void {
  const distRoot = resolve(__dirname, '..');
  const root = join(OUT_DIR, `run-${process.pid}`);
  const snapshot = join(root, 'dist');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'argus-bench-snapshot', private: true }) + '\n');
  // The copy can itself race a rebuild: check the entry points are all there, else retry.
  const entries = ['bench/run.js', 'libs/testing/src/topology.js', ...readdirSync(join(REPO, 'apps')).map((app) => `apps/${app}/src/main.js`)];
  for (let attempt = 1; ; attempt++) {
    rmSync(snapshot, { recursive: true, force: true });
    try {
      cpSync(distRoot, snapshot, { recursive: true });
      const missing = entries.filter((entry) => !existsSync(join(snapshot, entry)));
      if (missing.length === 0) break;
      if (attempt >= 5) throw new Error(`dist/ is incomplete (missing ${missing.join(', ')}): is another build running?`);
    } catch (err) {
      if (attempt >= 5) {
        rmSync(root, { recursive: true, force: true });
        throw err;
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  }
  const child = spawn(process.execPath, [join(snapshot, 'bench', 'run.js')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_REPO: REPO, BENCH_IN_SNAPSHOT: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    rmSync(root, { recursive: true, force: true });
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (process.env.BENCH_IN_SNAPSHOT !== '1' && process.env.BENCH_SNAPSHOT !== '0') {
  try {
    runFromSnapshot();
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exit(1);
  }
} else {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main().catch((err) => {
    process.stderr.write(`bench crashed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
