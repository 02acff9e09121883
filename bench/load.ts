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
