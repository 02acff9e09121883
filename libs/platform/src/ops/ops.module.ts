import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OpsController } from './ops.controller';
import { ReadinessRegistry } from './readiness';

/** /healthz, /readyz and /metrics for every app. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [OpsController],
  providers: [ReadinessRegistry],
  exports: [ReadinessRegistry],
})
export class OpsModule {}
