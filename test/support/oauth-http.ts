import type { Topology } from '@argus/testing';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function basic(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

export async function request<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<HttpResult<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** POST an application/x-www-form-urlencoded body (a string keeps repeated names as written). */
export function postForm<T = Record<string, unknown>>(
  url: string,
  form: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return request<T>(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

export async function clientCredentialsToken(topology: Topology, clientId: string, secret: string, scope?: string): Promise<string> {
  const result = await postForm<TokenBody>(
    `${topology.baseUrl}/oauth2/token`,
    { grant_type: 'client_credentials', ...(scope ? { scope } : {}) },
    { authorization: basic(clientId, secret) },
  );
  if (result.status !== 200) throw new Error(`token request failed: ${result.status} ${result.text}`);
  return result.body.access_token;
}

export function adminToken(topology: Topology): Promise<string> {
  return clientCredentialsToken(topology, topology.admin.clientId, topology.admin.clientSecret);
}

export interface CreatedClient {
  client_id: string;
  client_secret: string;
  [field: string]: unknown;
}

export async function createClient(topology: Topology, adminBearer: string, metadata: Record<string, unknown>): Promise<CreatedClient> {
  const result = await adminCall<CreatedClient>(topology, adminBearer, 'POST', '/admin/clients', metadata);
  if (result.status !== 201) throw new Error(`client creation failed: ${result.status} ${result.text}`);
  return result.body;
}

export function adminCall<T = Record<string, unknown>>(
  topology: Topology,
  bearer: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return request<T>(`${topology.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function introspect(topology: Topology, clientId: string, secret: string, token: string): Promise<Record<string, unknown>> {
  const result = await postForm(`${topology.baseUrl}/oauth2/introspect`, { token }, { authorization: basic(clientId, secret) });
  if (result.status !== 200) throw new Error(`introspection failed: ${result.status} ${result.text}`);
  return result.body;
}

/** A Prometheus counter's value summed over the series matching every given label. */
export async function metricValue(opsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').pop());
  }
  return total;
}

/**
 * How many JWTs the keys service has signed: counted where a token is made, so a request that
 * failed after signing (a token made but withheld) still shows, unlike a counter of responses.
 */
export function jwtsSigned(topology: Topology, typ = 'at+jwt'): Promise<number> {
  return metricValue(topology.processes[topology.kind === 'standalone' ? 'standalone' : 'keys'], 'argus_jwts_signed_total', { typ });
}
