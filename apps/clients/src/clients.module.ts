import { ClientsCoreModule } from '@argus/clients';
import { EventsModule } from '@argus/events';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';
import { ClientsNatsHandler } from './nats/clients.handler';

@Module({
  imports: [PlatformModule.forApp('clients', []), EventsModule, ClientsCoreModule],
  controllers: [ClientsNatsHandler],
})
export class ClientsAppModule {}
