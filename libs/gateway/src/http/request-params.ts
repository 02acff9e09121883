import { extractClientCredentials, InvalidRequest, rejectRepeatedParams, type PresentedClientCredentials } from '@argus/oauth';
import { FormBody } from '@argus/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** RFC 6749 §3.2: token-style endpoints take application/x-www-form-urlencoded, each parameter once. */
export function formParams(request: FastifyRequest): Record<string, string> {
  if (!(request.body instanceof FormBody)) {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  rejectRepeatedParams(request.body.repeated);
  return request.body.values;
}

export interface ClientRequest {
  params: Record<string, string>;
  credentials: PresentedClientCredentials;
  clientIp: string;
}

/** Parameters, client credentials (Basic or body) and the client's address, in one read. */
export function clientRequest(request: FastifyRequest): ClientRequest {
  const params = formParams(request);
  const credentials = extractClientCredentials(request.headers.authorization, params);
  return { params, credentials, clientIp: request.ip };
}

/** RFC 6749 §5.1: token responses must not be cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}

/** The admin API's JSON bodies must be objects (Fastify parses them; this names the problem). */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequest('the request body must be a JSON object (Content-Type: application/json)');
  }
  return body as Record<string, unknown>;
}
