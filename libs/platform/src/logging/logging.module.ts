import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { createLogger } from './logger';

export const LOGGER = Symbol('LOGGER');
export type { Logger };

let processLogger: Logger | undefined;

/** The process's one pino logger; main.ts sets it before the Nest app is built. */
export function useProcessLogger(logger: Logger): Logger {
  processLogger = logger;
  return logger;
}

@Global()
@Module({
  providers: [{ provide: LOGGER, useFactory: () => (processLogger ??= createLogger('argus')) }],
  exports: [LOGGER],
})
export class LoggingModule {}
