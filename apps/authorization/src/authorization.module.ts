import { AuthorizationCoreModule } from '@argus/authorization';
import { ClientsContract, KeysContract } from '@argus/contracts';
import { EventsModule } from '@argus/events';
import { PlatformModule } from '@argus/platform';
import { Module } from '@nestjs/common';
import { AuthorizationNatsHandler } from './nats/authorization.handler';

@Module({
  imports: [
    PlatformModule.forApp('authorization', [{ contract: ClientsContract }, { contract: KeysContract }]),
    EventsModule,
    AuthorizationCoreModule,
  ],
  controllers: [AuthorizationNatsHandler],
})
export class AuthorizationAppModule {}
