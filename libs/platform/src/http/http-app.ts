import { type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { loadConfig, type ArgusConfig } from '../config/argus-config';
import { trustedProxies } from '../config/trusted-proxy-list';
import { runWithRequestId, REQUEST_ID_HEADER } from '../context/request-context';
import { PinoNestLogger } from '../logging/logger';
import { httpRequestDuration } from '../metrics/metrics';
import { registerFormParser } from './form-body';
import { registerJsonParser } from './json-body';
import { registerMethodNotAllowed } from './method-not-allowed';
import { OpsPort } from './ops-port';
import { OAuthExceptionFilter } from './oauth-exception.filter';

/** The second listener of each app started with ARGUS_OPS_PORT. */
const opsPorts = new WeakMap<INestApplication, OpsPort>();

/**
 * A Nest app on Fastify with what every Argus app shares: pino JSON logs with a request id,
 * form parsing that keeps repeated names, a body limit, metrics and the OAuth error filter.
 */
export async function createHttpApp(module: Type<unknown>, config: ArgusConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Per-request lines only at debug: at thousands of requests a second they cost more than they tell.
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId: () => randomUUID(),
    bodyLimit: config.ARGUS_MAX_BODY_BYTES,
    // A list (never `true`): Fastify then takes the right-most X-Forwarded-For entry not added by a listed proxy.
    trustProxy: trustedProxies(config.ARGUS_TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: false },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie);
  registerFormParser(fastify, config.ARGUS_MAX_BODY_BYTES);
  registerJsonParser(fastify, config.ARGUS_MAX_BODY_BYTES);
  registerMethodNotAllowed(fastify);
  if (config.ARGUS_OPS_PORT !== undefined) opsPorts.set(app, new OpsPort(fastify, config.ARGUS_OPS_PORT));
  fastify.addHook('onRequest', (request, _reply, done) => runWithRequestId(request.id, done));
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // No response is ever to be content-sniffed into something else (e.g. JSON rendered as HTML).
    reply.header('X-Content-Type-Options', 'nosniff');
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.useGlobalFilters(new OAuthExceptionFilter(logger));
  app.enableShutdownHooks();
  return app;
}

/** Loads config or exits naming the bad variables. */
export function loadConfigOrExit(): ArgusConfig {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

export async function listen(app: INestApplication, config: ArgusConfig): Promise<void> {
  await app.listen(config.PORT, config.HOST);
  await opsPorts.get(app)?.listen(config.HOST);
}
