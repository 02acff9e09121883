import { ClientsCoreModule } from '@argus/clients';
import { EventsModule } from '@argus/events';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';

/**
 * What the operator commands need: the clients service against the deployment's own database,
 * publishing its events where the services hear them (JetStream when NATS_URL is set).
 */
@Module({
  imports: [PlatformModule.forApp('cli', []), EventsModule, ClientsCoreModule],
})
export class CliModule {}
