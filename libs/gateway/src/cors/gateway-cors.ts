import { extractClientCredentials } from '@argus/oauth';
import { FormBody } from '@argus/platform';
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { bearerToken } from '../http/bearer-token';
import { CorsOriginRegistry } from './cors-origin-registry';
import {
  CLIENT_ALLOWED_HEADERS,
  corsEndpoint,
  EXPOSED_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  type ClientSource,
} from './cors-policy';

/** No CORS headers at all (and a preflight falls through to 404). */
const NO_CORS: FastifyCorsOptions = { origin: false };

/**
 * API.md "CORS" on the gateway, through @fastify/cors with a per-request options delegate. It runs
 * as a preHandler hook, after the body is parsed, because the token-style endpoints name their
 * client in the body. Never `Access-Control-Allow-Credentials`: these endpoints use no cookies.
 */
@Injectable()
export class GatewayCors implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: CorsOriginRegistry,
  ) {}

  /** After Nest has set its error and not-found handlers, which the routes capture when they are built. */
  async onApplicationBootstrap(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register(fastifyCors, { hook: 'preHandler', delegator: (request: FastifyRequest) => this.options(request) });
  }

  async options(request: FastifyRequest): Promise<FastifyCorsOptions> {
    const endpoint = corsEndpoint(request.url);
    const origin = request.headers.origin;
    if (!endpoint) return NO_CORS;
    // Public documents: the same answer for every origin, and for caches that saw no Origin.
    if (endpoint.audience === 'any-origin') return { origin: '*', methods: endpoint.methods, maxAge: PREFLIGHT_MAX_AGE_SECONDS };
    if (origin === undefined) return NO_CORS;
    const preflight = request.method === 'OPTIONS';
    // A preflight carries no body or credentials: it is answered for an origin some client allows.
    // The actual response is readable only by the origins of the request's own client.
    const clientId = preflight ? undefined : requestClientId(request, endpoint.clientSource);
    if (!preflight && clientId === undefined) return NO_CORS;
    const allowed = await this.registry.allowed(origin, clientId).catch(() => false); // an outage: the handler answers 503 itself
    if (!allowed) return NO_CORS;
    return {
      origin,
      methods: endpoint.methods,
      allowedHeaders: CLIENT_ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    };
  }
}

/** The client a token-style request is for, read without judging it (the handler does that). */
function requestClientId(request: FastifyRequest, source: ClientSource | undefined): string | undefined {
  const form = request.body instanceof FormBody ? request.body.values : {};
  try {
    if (source === 'client-auth') return extractClientCredentials(request.headers.authorization, form).client_id;
    // Unverified on purpose: this only decides whether the browser may read the answer, and a
    // forged or expired token gets nothing but the 401 that the handler returns.
    const clientId = decodeJwt(bearerToken(request)).client_id;
    return typeof clientId === 'string' ? clientId : undefined;
  } catch {
    return undefined;
  }
}
