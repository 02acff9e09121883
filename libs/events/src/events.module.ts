import { ArgusConfig, LOGGER, NATS_CONNECTION, type Logger } from '@argus/platform';
import { Global, Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { EventBus } from './event-bus';
import { InProcessEventBus } from './in-process-event-bus';
import { JetStreamEventBus } from './jetstream-event-bus';

/** EventBus: JetStream when NATS_URL is set, in-process otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: EventBus,
      inject: [ArgusConfig, NATS_CONNECTION, LOGGER],
      useFactory: async (config: ArgusConfig, nats: NatsConnection | null, logger: Logger) => {
        if (!nats) return new InProcessEventBus();
        const bus = new JetStreamEventBus(nats, logger, config.ARGUS_STRICT_AUDIT);
        await bus.ensureStream();
        return bus;
      },
    },
  ],
  exports: [EventBus],
})
export class EventsModule {}
