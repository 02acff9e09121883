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
  /** The deployment's database (`sqlite:<file>` or `postgres://…`), for tests that inspect what is stored. */
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  introspectionInstances?: number;
  /** Authorization processes sharing one queue group (distributed only; default 1, named `authorization`, then `authorization-2`...). */
  authorizationInstances?: number;
  env?: Record<string, string>;
  /** Extra node flags per process name, e.g. `--cpu-prof`. */
  nodeArgs?: Record<string, string[]>;
  logLevel?: string;
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
}

function startProcess(name: string, app: string, env: Record<string, string>, logDir: string, nodeArgs: string[] = []): RunningProcess {
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [...nodeArgs, appEntry(app)], {
    env: { ...process.env, ...env },
    cwd: logDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return { name, child, opsUrl: `http://127.0.0.1:${env.PORT}` };
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

/** `npm start`'s topology: one process, SQLite in a temporary directory. */
export async function startStandalone(options: TopologyOptions = {}): Promise<Topology> {
  const logDir = mkdtempSync(join(tmpdir(), 'argus-standalone-'));
  const port = await freePort();
  const admin = adminCredentials();
  const baseUrl = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite:${join(logDir, 'argus.sqlite')}`;
  const proc = startProcess('standalone', 'standalone', {
    PORT: String(port),
    HOST: '127.0.0.1',
    ARGUS_ISSUER: baseUrl,
    DATABASE_URL: databaseUrl,
    ARGUS_DATA_DIR: logDir,
    ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
    ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.clientSecret,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  }, logDir, options.nodeArgs?.standalone);
  try {
    await waitReady(proc, logDir);
  } catch (err) {
    await stopProcesses([proc]);
    throw err;
  }
  return {
    kind: 'standalone',
    baseUrl,
    admin,
    processes: { standalone: proc.opsUrl },
    logDir,
    databaseUrl,
    stop: async () => {
      await stopProcesses([proc]);
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
    ARGUS_BOOTSTRAP_ADMIN_CLIENT_ID: admin.clientId,
    ARGUS_BOOTSTRAP_ADMIN_CLIENT_SECRET: admin.clientSecret,
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
      processes.push(startProcess(name, app, { ...common, PORT: String(port) }, logDir, options.nodeArgs?.[name]));
    }
    await Promise.all(processes.map((p) => waitReady(p, logDir)));
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    kind: 'distributed',
    baseUrl,
    admin,
    nats: { url: NATS_TEST_URL, subjectPrefix, stream },
    processes: Object.fromEntries(processes.map((p) => [p.name, p.opsUrl])),
    logDir,
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
