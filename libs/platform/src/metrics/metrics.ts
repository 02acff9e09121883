import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process; every app exposes it at /metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'argus_http_request_duration_seconds',
  help: 'HTTP request latency by route, method and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const oauthErrors = new Counter({
  name: 'argus_oauth_errors_total',
  help: 'OAuth error responses by error code',
  labelNames: ['error'] as const,
  registers: [metricsRegistry],
});

export const tokensIssued = new Counter({
  name: 'argus_tokens_issued_total',
  help: 'Access tokens issued by grant type',
  labelNames: ['grant_type'] as const,
  registers: [metricsRegistry],
});

/** Every JWT the keys service signs, by `typ`: what "nothing was issued" is checked against. */
export const jwtsSigned = new Counter({
  name: 'argus_jwts_signed_total',
  help: 'JWTs signed by the keys service, by typ (at+jwt, rt+jwt, JWT)',
  labelNames: ['typ'] as const,
  registers: [metricsRegistry],
});

export const natsRequestDuration = new Histogram({
  name: 'argus_nats_request_duration_seconds',
  help: 'Latency of NATS request/reply calls to other services',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
  registers: [metricsRegistry],
});

export const rpcHandled = new Counter({
  name: 'argus_rpc_handled_total',
  help: 'NATS requests handled by this instance, by subject',
  labelNames: ['subject'] as const,
  registers: [metricsRegistry],
});

export const rateLimited = new Counter({
  name: 'argus_rate_limited_total',
  help: 'Requests refused with 429 by the gateway, by limit (page, client)',
  labelNames: ['limit'] as const,
  registers: [metricsRegistry],
});

export const clientSecretChecks = new Counter({
  name: 'argus_client_secret_checks_total',
  help: 'Client secret checks that missed the verification cache: verified or rejected by argon2id, or refused by the throttle without argon2id',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
