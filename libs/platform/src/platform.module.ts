import { Module, type DynamicModule } from '@nestjs/common';
import { ContractBindingModule, type ContractBinding } from './binding/contract-binding.module';
import { NatsConnectionModule } from './binding/nats-connection.module';
import { ArgusConfigModule } from './config/config.module';
import { LoggingModule } from './logging/logging.module';
import { OpsModule } from './ops/ops.module';
import { APP_NAME, SharedSettingsCheck } from './ops/shared-settings.check';

/** What every app imports: config, logging, ops endpoints, NATS (when set) and contract bindings. */
@Module({})
export class PlatformModule {
  static forApp(appName: string, bindings: ContractBinding[]): DynamicModule {
    return {
      module: PlatformModule,
      imports: [ArgusConfigModule, LoggingModule, OpsModule, NatsConnectionModule, ContractBindingModule.forRoot(appName, bindings)],
      providers: [{ provide: APP_NAME, useValue: appName }, SharedSettingsCheck],
    };
  }
}
