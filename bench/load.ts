import autocannon from 'autocannon';

/** One HTTP request shape that autocannon repeats on every connection. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSettings {
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Unmeasured seconds before the measured run (JIT, caches, connection pools). */
  warmup: number;
}

export interface LoadResult {
  /** Average requests per second over the measured run. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  avgLatencyMs: number;
  totalRequests: number;
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  durationS: number;
  /** The measured run on CLOCK_MONOTONIC in µs: the clock V8 stamps .cpuprofile samples with. */
  window: { startUs: number; endUs: number };
  /**
   * Chained scenarios only (measureChain): what one unit of `reqPerSec` is, how many HTTP requests
   * it takes, and autocannon's own HTTP req/s for comparison. reqPerSec, p50Ms, p99Ms and non2xx
   * then count whole iterations of the chain, measured by the bench's hooks.
   */
  chain?: { unit: string; requestsPerUnit: number; httpReqPerSec: number; completed: number; resets: number };
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function cannon(spec: RequestSpec, connections: number, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections,
    duration,
    timeout: 10,
  });
}

/** Warm up (results discarded), then measure. */
export async function measure(spec: RequestSpec, settings: LoadSettings): Promise<LoadResult> {
  if (settings.warmup > 0) await cannon(spec, settings.connections, settings.warmup);
  const startUs = monotonicUs();
  const result = await cannon(spec, settings.connections, settings.duration);
  const endUs = monotonicUs();
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat?.count ?? 0;
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    avgLatencyMs: result.latency.average,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    durationS: result.duration,
    window: { startUs, endUs },
  };
}

export interface Sample {
  status: number;
  body: string;
}

/** One request with fetch, for the pre-flight check and for diagnosing non-2xx answers. */
export async function fetchOnce(spec: RequestSpec): Promise<Sample> {
  const response = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
  return { status: response.status, body: await response.text() };
}

/**
 * After a run with non-2xx answers: fire a small concurrent burst and keep the distinct
 * non-2xx status/body pairs, so the report can say what the server answered and why.
 */
export async function sampleFailures(spec: RequestSpec, concurrency = 50, rounds = 4): Promise<Sample[]> {
  const seen = new Map<string, Sample>();
  for (let round = 0; round < rounds; round++) {
    const samples = await Promise.all(
      Array.from({ length: concurrency }, () => fetchOnce(spec).catch((err: Error) => ({ status: 0, body: `fetch error: ${err.message}` }))),
    );
    for (const sample of samples) {
      if (sample.status >= 200 && sample.status < 300) continue;
      const key = `${sample.status} ${sample.body.slice(0, 300)}`;
      if (!seen.has(key)) seen.set(key, { status: sample.status, body: sample.body.slice(0, 500) });
    }
  }
  return [...seen.values()].slice(0, 5);
}

// ------------------------------------------------------------------------------ chained requests

/**
 * One request of a chain that a connection repeats in order (autocannon's `requests`), e.g.
 * authorize -> token. Each connection gets its own steps (ChainSpec.steps), so closures in them
 * are per-connection state: the code the first step's answer carried, the last refresh token.
 */
export interface ChainStep {
  method: 'GET' | 'POST';
  /** Path and query. */
  path: string;
  headers?: Record<string, string>;
  /**
   * The body from this connection's state. `undefined` means the chain cannot go on (the previous
   * answer was wrong): autocannon then restarts at the first step, whose body must never be undefined.
   */
  body?: () => string | undefined;
  /** Checks an answer and keeps what the next step needs. Returns what is wrong, or undefined. */
  check: (status: number, body: string, header: (name: string) => string | undefined) => string | undefined;
}

export interface ChainSpec {
  /** Origin of the server. */
  url: string;
  /** What one iteration of the chain is called in the report ("round trip", "refresh"). */
  unit: string;
  /** HTTP requests per iteration: the length of what `steps` returns. */
  stepsPerIteration: number;
  /** Runs before every autocannon run (pre-flight, warm-up, measured), e.g. to fetch fresh single-use tokens. */
  prepare?: (connections: number) => Promise<void>;
  /** The steps of connection number `connection` (0-based, within one autocannon run). */
  steps: (connection: number) => ChainStep[];
}

interface ChainRecorder {
  completed: number;
  failed: number;
  latenciesMs: number[];
  samples: Map<string, Sample>;
}

interface ChainRun {
  result: autocannon.Result;
  recorder: ChainRecorder;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

/**
 * One autocannon run of a chain. Per connection (`setupClient` -> `client.setRequests`): the
 * first step's setupRequest stamps the start, each answer goes through its step's check, and an
 * iteration counts as completed, with its latency from that stamp to the last answer, only when
 * every step of it passed its check. A failed check counts one failure and keeps a sample.
 */
async function cannonChain(spec: ChainSpec, connections: number, limit: { duration: number } | { amount: number }): Promise<ChainRun> {
  const recorder: ChainRecorder = { completed: 0, failed: 0, latenciesMs: [], samples: new Map() };
  let nextConnection = 0;
  const setupClient = (client: autocannon.Client) => {
    const steps = spec.steps(nextConnection++);
    let startedAt = 0;
    let intact = true;
    const requests = steps.map((step, index): autocannon.Request => ({
      method: step.method,
      path: step.path,
      headers: step.headers,
      setupRequest: (request) => {
        let body: string | undefined;
        if (step.body) {
          body = step.body();
          if (body === undefined) return null as unknown as autocannon.Request;
        }
        if (index === 0) {
          startedAt = performance.now();
          intact = true;
        }
        return body === undefined ? request : { ...request, body };
      },
      onResponse: (status, body, _context, headers) => {
        const wrong = step.check(status, body, (name) => headerOf(headers, name));
        if (wrong) {
          intact = false;
          recorder.failed += 1;
          const key = `${step.method} ${step.path.split('?')[0]} ${status} ${wrong}`;
          if (recorder.samples.size < 5 && !recorder.samples.has(key)) {
            recorder.samples.set(key, { status, body: `${step.method} ${step.path.split('?')[0]}: ${wrong}; body: ${body.slice(0, 300)}` });
          }
          return;
        }
        if (index === steps.length - 1 && intact) {
          recorder.completed += 1;
          recorder.latenciesMs.push(performance.now() - startedAt);
        }
      },
    }));
    client.setRequests(requests);
  };
  const result = await autocannon({ url: spec.url, connections, timeout: 10, setupClient, ...limit });
  return { result, recorder };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs a few iterations of the chain through autocannon itself, on up to 4 connections: the
 * same hooks as under load. Returns what went wrong, or undefined when every iteration passed.
 */
export async function preflightChain(spec: ChainSpec, connections: number, iterations = 2): Promise<string | undefined> {
  const used = Math.min(4, connections);
  await spec.prepare?.(used);
  const { result, recorder } = await cannonChain(spec, used, { amount: used * iterations * spec.stepsPerIteration });
  const expected = used * iterations;
  if (recorder.failed === 0 && result.errors === 0 && recorder.completed === expected) return undefined;
  const samples = [...recorder.samples.values()].map((s) => s.body).join(' | ');
  return `autocannon pre-flight: ${recorder.completed}/${expected} ${spec.unit}s completed, ${recorder.failed} wrong answers, ${result.errors} errors${samples ? `: ${samples}` : ''}`;
}

/** Warm up (results discarded), then measure a chain; reqPerSec counts completed iterations. */
export async function measureChain(spec: ChainSpec, settings: LoadSettings): Promise<{ result: LoadResult; samples: Sample[] }> {
  if (settings.warmup > 0) {
    await spec.prepare?.(settings.connections);
    await cannonChain(spec, settings.connections, { duration: settings.warmup });
  }
  await spec.prepare?.(settings.connections);
  const startUs = monotonicUs();
  const { result, recorder } = await cannonChain(spec, settings.connections, { duration: settings.duration });
  const endUs = monotonicUs();
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat?.count ?? 0;
  const sorted = recorder.latenciesMs.sort((a, b) => a - b);
  const durationS = result.duration > 0 ? result.duration : settings.duration;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    result: {
      reqPerSec: recorder.completed / durationS,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      avgLatencyMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
      totalRequests: result.requests.total,
      non2xx: recorder.failed,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      durationS,
      window: { startUs, endUs },
      chain: {
        unit: spec.unit,
        requestsPerUnit: spec.stepsPerIteration,
        httpReqPerSec: result.requests.average,
        completed: recorder.completed,
        resets: result.resets ?? 0,
      },
    },
    samples: [...recorder.samples.values()],
  };
}
