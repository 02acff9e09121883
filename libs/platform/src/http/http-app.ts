import { type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { loadConfig, type ArgusConfig } from '../config/argus-config';
import { runWithRequestId, REQUEST_ID_HEADER } from '../context/request-context';
import { PinoNestLogger } from '../logging/logger';
import { httpRequestDuration } from '../metrics/metrics';
import { registerFormParser } from './form-body';
import { OAuthExceptionFilter } from './oauth-exception.filter';

/** `false`, `true`, or a list of proxy addresses (RFC 7239 style trust for X-Forwarded-For). */
export function trustProxySetting(value: string): boolean | string[] {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

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
    trustProxy: trustProxySetting(config.ARGUS_TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: false },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyCookie);
  registerFormParser(fastify, config.ARGUS_MAX_BODY_BYTES);
  fastify.addHook('onRequest', (request, _reply, done) => runWithRequestId(request.id, done));
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
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
}
