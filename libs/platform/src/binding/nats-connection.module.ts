import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { ArgusConfig } from '../config/argus-config';
import { ReadinessRegistry } from '../ops/readiness';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * A plain NATS connection for what Nest's transport does not cover: JetStream publishing,
 * event fan-out to every instance, and the readiness probe. Null in the standalone topology.
 */
@Global()
@Module({
  providers: [
    {
      provide: NATS_CONNECTION,
      inject: [ArgusConfig],
      useFactory: async (config: ArgusConfig): Promise<NatsConnection | null> =>
        config.NATS_URL ? connect({ servers: [config.NATS_URL], name: 'argus-events', maxReconnectAttempts: -1 }) : null,
    },
  ],
  exports: [NATS_CONNECTION],
})
export class NatsConnectionModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection | null,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    const nats = this.nats;
    if (nats) this.readiness.register('nats', () => nats.flush());
  }

  /** Drain: finish delivering what subscriptions already received, then close. */
  async onApplicationShutdown(): Promise<void> {
    if (this.nats && !this.nats.isClosed()) await this.nats.drain().catch(() => undefined);
  }
}
