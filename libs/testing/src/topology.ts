import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'nats';
import { Client } from 'pg';

/** A running Argus deployment that tests and the benchmark talk to over HTTP. */
export interface Topology {
  kind: 'standalone' | 'distributed';
  baseUrl: string;
  admin: { clientId: string; clientSecret: string };
  /** Set for the distributed topology: where its NATS subjects and JetStream stream live. */
  nats?: { url: string; subjectPrefix: string; stream: string };
  /** The operations base URL of every process, by name (e.g. `introspection-1`). */
  processes: Record<string, string>;
  logDir: string;
  /**
   * Stops one process (SIGTERM), runs `whileStopped` if given, and starts it again with the same
   * environment, port and data; resolves when it is ready.
   */
  restart(name: string, whileStopped?: () => Promise<void>): Promise<void>;
  /** Starts one more process of `app` (e.g. a new `introspection` instance) named `name`; distributed only. */
  addProcess(name: string, app: string): Promise<string>;
  /** ARGUS_DATA_DIR of every process (the generated admin credentials land here). */
  dataDir: string;
  /** The environment the processes share (database, NATS, KEK, prefix…), for operator commands. */
  env: Record<string, string>;
  /** The deployment's database (`sqlite:<file>` or `postgres://…`), for tests that inspect what is stored. */
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  introspectionInstances?: number;
  /** Authorization processes sharing one queue group (distributed only; default 1, named `authorization`, then `authorization-2`...). */
  authorizationInstances?: number;
  env?: Record<string, string>;
  /** Extra environment for one process by name (`standalone`, `gateway`, `token`, `introspection-1`, ...), over `env`. */
  processEnv?: Record<string, Record<string, string>>;
  /** false: return once every process is started, without waiting for /readyz 200 (to test a process that must not become ready). */
  waitForReady?: boolean;
  /** Extra node flags per process name, e.g. `--cpu-prof`. */
  nodeArgs?: Record<string, string[]>;
  logLevel?: string;
  /**
   * false: start without ARGUS_BOOTSTRAP_ADMIN_* (the admin client is generated into
   * <dataDir>/bootstrap-admin.json, which `admin` is then read from). Default true.
   */
  bootstrapAdmin?: boolean;
}

export const POSTGRES_ADMIN_URL = process.env.ARGUS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_TEST_URL = process.env.ARGUS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** The repository root, whether this file runs from source (jest) or from dist/ (bench). */
function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) dir = resolve(dir, '..');
  return dir;
}

const DIST = join(repoRoot(__dirname), 'dist');
const READY_TIMEOUT_MS = 60_000;

export function appEntry(app: string): string {
  return join(DIST, 'apps', app, 'src', 'main.js');
}

/** Ports handed out by this process, never handed out twice. */
const handedOut = new Set<number>();

/**
 * A free port below Linux's ephemeral range (32768+): a port picked by binding to 0 can be taken,
 * before the app binds it, by an outgoing connection of an app started a moment earlier.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found between 20000 and 32000');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

interface RunningProcess {
  name: string;
  child: ChildProcess;
  opsUrl: string;
  /** What it was started with, to start it again. */
  launch: { app: string; env: Record<string, string>; nodeArgs: string[] };
}

/**
 * The environment an app under test starts with: the caller's, less every setting the app reads
 * (ARGUS_*, DATABASE_URL, NATS_URL, PORT, HOST, LOG_LEVEL), plus `env`. A test run from a shell
 * that has, say, ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID set must not start a different app.
 */
export function appEnvironment(env: Record<string, string>): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !/^(ARGUS_|DATABASE_URL$|NATS_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(entry[0]),
  );
  return { ...Object.fromEntries(inherited), ...env };
}

function startProcess(name: string, app: string, env: Record<string, string>, logDir: string, nodeArgs: string[] = []): RunningProcess {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, appEntry(app)], {
    env: appEnvironment(env),
    cwd: logDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return { name, child, opsUrl: `http://127.0.0.1:${env.PORT}`, launch: { app, env, nodeArgs } };
}

/** Restarts `name` in place in `processes` (same environment, port and data directory). */
async function restartProcess(processes: RunningProcess[], name: string, logDir: string, whileStopped?: () => Promise<void>): Promise<void> {
  const index = processes.findIndex((p) => p.name === name);
  if (index < 0) throw new Error(`no process named ${name}`);
  const { launch } = processes[index];
  await stopProcesses([processes[index]]);
  await whileStopped?.();
  processes[index] = startProcess(name, launch.app, launch.env, logDir, launch.nodeArgs);
  await waitReady(processes[index], logDir);
}

async function waitReady(proc: RunningProcess, logDir: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    try {
      const response = await fetch(`${proc.opsUrl}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const log = readFileSync(join(logDir, `${proc.name}.log`), 'utf8').split('\n').slice(-30).join('\n');
  throw new Error(`${proc.name} did not become ready (exit code ${proc.child.exitCode}):\n${log}`);
}

async function stopProcesses(processes: RunningProcess[]): Promise<void> {
  await Promise.all(
    processes.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
          child.once('exit', () => {
            clearTimeout(killer);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

function adminCredentials() {
  return { clientId: `admin-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(32).toString('base64url') };
}

/** The bootstrap variables, unless the test wants the generated admin client. */
function bootstrapEnv(options: TopologyOptions, admin: { clientId: string; clientSecret: string }): Record<string, string> {
  if (options.bootstrapAdmin === false) return {};
  return { ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId, ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.clientSecret };
}

/** The admin credentials the topology was started with, or the generated ones from the data folder. */
function startedAdmin(options: TopologyOptions, admin: { clientId: string; clientSecret: string }, dataDir: string) {
  const file = join(dataDir, 'bootstrap-admin.json');
  if (options.bootstrapAdmin !== false || !existsSync(file)) return admin;
  const generated = JSON.parse(readFileSync(file, 'utf8')) as { client_id: string; client_secret: string };
  return { clientId: generated.client_id, clientSecret: generated.client_secret };
}

/** `npm start`'s topology: one process, SQLite in a temporary directory. */
export async function startStandalone(options: TopologyOptions = {}): Promise<Topology> {
  const logDir = mkdtempSync(join(tmpdir(), 'argus-standalone-'));
  const port = await freePort();
  const admin = adminCredentials();
  const baseUrl = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite:${join(logDir, 'argus.sqlite')}`;
  const env = {
    HOST: '127.0.0.1',
    ARGUS_ISSUER: baseUrl,
    DATABASE_URL: databaseUrl,
    ARGUS_DATA_DIR: logDir,
    ...bootstrapEnv(options, admin),
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  };
  const proc = startProcess('standalone', 'standalone', { ...env, PORT: String(port), ...options.processEnv?.standalone }, logDir, options.nodeArgs?.standalone);
  try {
    if (options.waitForReady !== false) await waitReady(proc, logDir);
  } catch (err) {
    await stopProcesses([proc]);
    throw err;
  }
  const running = [proc];
  return {
    kind: 'standalone',
    baseUrl,
    admin: startedAdmin(options, admin, env.ARGUS_DATA_DIR),
    processes: { standalone: proc.opsUrl },
    logDir,
    restart: (name, whileStopped) => restartProcess(running, name, logDir, whileStopped),
    addProcess: () => Promise.reject(new Error('the standalone topology is one process')),
    dataDir: env.ARGUS_DATA_DIR,
    env,
    databaseUrl,
    stop: async () => {
      await stopProcesses(running);
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/**
 * Every service as its own process over real NATS and a fresh PostgreSQL database, with
 * `introspectionInstances` introspection processes sharing one queue group.
 */
export async function startDistributed(options: TopologyOptions = {}): Promise<Topology> {
  const logDir = mkdtempSync(join(tmpdir(), 'argus-distributed-'));
  const runId = randomBytes(4).toString('hex');
  const database = `argus_${runId}`;
  const subjectPrefix = `t${runId}`;
  const stream = `${subjectPrefix.toUpperCase()}_EVENTS`;
  const admin = adminCredentials();

  const pgAdmin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${database}`);
  await pgAdmin.end();
  const databaseUrl = new URL(POSTGRES_ADMIN_URL);
  databaseUrl.pathname = `/${database}`;

  const gatewayPort = await freePort();
  const baseUrl = `http://127.0.0.1:${gatewayPort}`;
  const common = {
    HOST: '127.0.0.1',
    NATS_URL: NATS_TEST_URL,
    DATABASE_URL: databaseUrl.toString(),
    ARGUS_KEK: randomBytes(32).toString('base64'),
    ARGUS_ISSUER: baseUrl,
    ARGUS_NATS_SUBJECT_PREFIX: subjectPrefix,
    ARGUS_DATA_DIR: logDir,
    ...bootstrapEnv(options, admin),
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  };
  const plan: [string, string][] = [
    ['keys', 'keys'],
    ['clients', 'clients'],
    ['token', 'token'],
    ...Array.from({ length: options.authorizationInstances ?? 1 }, (_, i): [string, string] => [i === 0 ? 'authorization' : `authorization-${i + 1}`, 'authorization']),
    ...Array.from({ length: options.introspectionInstances ?? 2 }, (_, i): [string, string] => [`introspection-${i + 1}`, 'introspection']),
    ['gateway', 'gateway'],
  ];
  const processes: RunningProcess[] = [];
  const cleanup = async () => {
    await stopProcesses(processes);
    const nats = await connect({ servers: NATS_TEST_URL });
    await (await nats.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nats.close();
    const pg = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await pg.end();
  };
  try {
    for (const [name, app] of plan) {
      const port = name === 'gateway' ? gatewayPort : await freePort();
      processes.push(startProcess(name, app, { ...common, PORT: String(port), ...options.processEnv?.[name] }, logDir, options.nodeArgs?.[name]));
    }
    if (options.waitForReady !== false) await Promise.all(processes.map((p) => waitReady(p, logDir)));
  } catch (err) {
    await cleanup();
    throw err;
  }
  const names = Object.fromEntries(processes.map((p) => [p.name, p.opsUrl]));
  return {
    kind: 'distributed',
    baseUrl,
    admin: startedAdmin(options, admin, common.ARGUS_DATA_DIR),
    nats: { url: NATS_TEST_URL, subjectPrefix, stream },
    processes: names,
    logDir,
    restart: (name, whileStopped) => restartProcess(processes, name, logDir, whileStopped),
    addProcess: async (name, app) => {
      const added = startProcess(name, app, { ...common, PORT: String(await freePort()) }, logDir, options.nodeArgs?.[name]);
      processes.push(added);
      names[name] = added.opsUrl;
      await waitReady(added, logDir);
      return added.opsUrl;
    },
    dataDir: common.ARGUS_DATA_DIR,
    env: common,
    databaseUrl: databaseUrl.toString(),
    stop: async () => {
      await cleanup();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

export function startTopology(kind: 'standalone' | 'distributed', options?: TopologyOptions): Promise<Topology> {
  return kind === 'standalone' ? startStandalone(options) : startDistributed(options);
}
