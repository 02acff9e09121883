import { Global, Module } from '@nestjs/common';
import { ArgusConfig, loadConfig } from './argus-config';

/** Provides the validated ArgusConfig to every module. */
@Global()
@Module({
  providers: [{ provide: ArgusConfig, useFactory: () => loadConfig() }],
  exports: [ArgusConfig],
})
export class ArgusConfigModule {}
